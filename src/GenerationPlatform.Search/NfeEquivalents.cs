namespace GenerationPlatform.Search;

/// <summary>
/// Verifier compute stated in the denoiser's unit: FLOPs over the model's FLOPs per NFE (one unguided forward pass),
/// rounded up, so that a search's verification is charged next to its NFE (docs/SCALING.md, "Verifier cost").
/// </summary>
public static class NfeEquivalents
{
    /// <summary>The NFE-equivalents of <paramref name="flops"/> on a model of <paramref name="forwardFlops"/> FLOPs per NFE; 0 when either is unknown.</summary>
    public static long Of(double flops, double forwardFlops) =>
        flops > 0 && forwardFlops > 0 ? (long)Math.Min(long.MaxValue / 4, Math.Ceiling(flops / forwardFlops - 1e-9)) : 0;
}
