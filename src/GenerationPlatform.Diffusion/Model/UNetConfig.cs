using GenerationPlatform.Core.Model;

namespace GenerationPlatform.Diffusion.Model;

/// <summary>
/// Shape of the velocity network: base channels and per-level multipliers at full, half and quarter
/// resolution; the image's channels and sides (each side a multiple of 4); and its conditioning: class
/// labels (<see cref="TextEmbedding"/> 0) or prompt embeddings of <see cref="TextEmbedding"/> values.
/// </summary>
public sealed record UNetConfig(int BaseChannels = 32, int[]? Multipliers = null, int EmbeddingDim = 128, int Classes = 10, double Dropout = 0.1, int AttentionHeads = 4,
    int ImageChannels = 1, int Height = 28, int Width = 28, int TextEmbedding = 0)
{
    public int[] ChannelMultipliers => Multipliers ?? [1, 2, 2];
    public int NullLabel => Classes;
    public bool IsText => TextEmbedding > 0;
    public ImageShape Shape => new(ImageChannels, Height, Width);

    public int Channels(int level) => BaseChannels * ChannelMultipliers[level];

    public static UNetConfig Default { get; } = new();
}
