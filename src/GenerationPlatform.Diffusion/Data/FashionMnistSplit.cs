namespace GenerationPlatform.Diffusion.Data;

/// <summary>One split of Fashion-MNIST: 28x28 grayscale images and their labels.</summary>
public sealed record FashionMnistSplit(byte[] Pixels, byte[] Labels, int Count)
{
    public const int Side = 28;
    public const int PixelsPerImage = Side * Side;

    public ReadOnlySpan<byte> Image(int i) => Pixels.AsSpan(i * PixelsPerImage, PixelsPerImage);
}
