namespace GenerationPlatform.Diffusion.Training;

/// <summary>How far projections are from where they should be, before and after tuning (ratio 1: not moved closer, 0: there).</summary>
public sealed record ProjectionGap(double Before, double After)
{
    public double Ratio => After / Before;
}
