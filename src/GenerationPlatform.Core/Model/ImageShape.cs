namespace GenerationPlatform.Core.Model;

/// <summary>
/// The shape of one image (or latent) a model works on: channels (1 grayscale, 3 RGB, or a latent's
/// channel count), height and width. Images travel as flat float arrays in channel-major order [C, H, W].
/// </summary>
public readonly record struct ImageShape(int Channels, int Height, int Width)
{
    /// <summary>The largest side a served model may declare.</summary>
    public const int MaxSide = 1024;

    /// <summary>The largest channel count (latents may have more than 3).</summary>
    public const int MaxChannels = 64;

    /// <summary>Values of one image (C x H x W).</summary>
    public int Size => checked(Channels * Height * Width);

    /// <summary>Pixels of one channel (H x W).</summary>
    public int Plane => checked(Height * Width);

    /// <summary>Tensor dimensions of a batch of <paramref name="batch"/> images.</summary>
    public long[] Batch(int batch) => [batch, Channels, Height, Width];

    /// <summary>Null when valid, else what is wrong (for a manifest's error message).</summary>
    public string? Problem() =>
        Channels is < 1 or > MaxChannels ? $"channels must be between 1 and {MaxChannels} (got {Channels})"
        : Height is < 1 or > MaxSide ? $"height must be between 1 and {MaxSide} (got {Height})"
        : Width is < 1 or > MaxSide ? $"width must be between 1 and {MaxSide} (got {Width})"
        : null;

    public override string ToString() => $"{Channels}x{Height}x{Width}";
}
