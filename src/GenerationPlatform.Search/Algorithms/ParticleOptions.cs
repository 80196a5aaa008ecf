using System.ComponentModel;

namespace GenerationPlatform.Search.Algorithms;

/// <param name="Particles">K; null: as many as the budget carries through the whole schedule.</param>
/// <param name="Lambda">Inverse temperature of the potential.</param>
/// <param name="ResampleEvery">Sampler steps between weightings.</param>
/// <param name="EssThreshold">Resample when the effective sample size falls below this fraction of K.</param>
/// <param name="Eta">Noise of the stochastic step; must be &gt; 0 or resampled copies never diverge.</param>
public sealed record ParticleOptions(
    [property: Description("K: particles (default: as many as the budget carries through the schedule)")] int? Particles = null,
    [property: Description("inverse temperature of the potential")] double Lambda = 10,
    [property: Description("what weights a particle: the score's difference since the last weighting, or its level")] ParticlePotential Potential = ParticlePotential.Difference,
    [property: Description("sampler steps between weightings")] int ResampleEvery = 2,
    [property: Description("resample when the effective sample size falls below this fraction of K")] double EssThreshold = 0.5,
    [property: Description("noise of the stochastic steps, above 0 so resampled copies diverge")] double Eta = 0.5)
{
    public void Validate()
    {
        SearchLimits.Count(Particles, nameof(Particles), SearchLimits.MaxTrajectoriesPerCall);
        SearchLimits.Finite(Lambda, nameof(Lambda), 0, SearchLimits.MaxLambda);
        SearchLimits.Count(ResampleEvery, nameof(ResampleEvery), SearchLimits.MaxSteps);
        SearchLimits.Finite(EssThreshold, nameof(EssThreshold), 0, 1);
        SearchLimits.Finite(Eta, nameof(Eta), 0, 1, lowOpen: true, highOpen: true);
    }
}
