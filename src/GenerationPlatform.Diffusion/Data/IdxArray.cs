namespace GenerationPlatform.Diffusion.Data;

/// <summary>An IDX file (the MNIST family's format): unsigned bytes with a shape.</summary>
public sealed record IdxArray(int[] Shape, byte[] Data)
{
    public int Count => Shape[0];
    public int ItemSize => Shape.Skip(1).Aggregate(1, (a, b) => a * b);
}
