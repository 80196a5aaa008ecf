namespace GenerationPlatform.Text;

/// <summary>One Fashion-MNIST split as read from its IDX files: 28x28 bytes (0 = background) and labels.</summary>
public sealed record FashionMnistImages(byte[] Pixels, byte[] Labels)
{
    public const int Side = 28;
    public const int PixelsPerImage = Side * Side;

    public int Count => Labels.Length;

    public ReadOnlySpan<byte> Bytes(int index) => Pixels.AsSpan(index * PixelsPerImage, PixelsPerImage);

    /// <summary>Image <paramref name="index"/> in [-1, 1] (byte / 127.5 - 1, as the diffusion models see it), row-major.</summary>
    public float[] Image(int index)
    {
        var bytes = Bytes(index);
        var image = new float[PixelsPerImage];
        for (int i = 0; i < image.Length; i++) image[i] = bytes[i] / 127.5f - 1f;
        return image;
    }
}
