namespace GenerationPlatform.Search.Algorithms;

/// <param name="Particles">K; null: as many as the budget carries through the whole schedule.</param>
/// <param name="Lambda">Inverse temperature of the potential.</param>
/// <param name="ResampleEvery">Sampler steps between weightings.</param>
/// <param name="EssThreshold">Resample when the effective sample size falls below this fraction of K.</param>
/// <param name="Eta">Noise of the stochastic step; must be &gt; 0 or resampled copies never diverge.</param>
public sealed record ParticleOptions(int? Particles = null, double Lambda = 10, ParticlePotential Potential = ParticlePotential.Difference, int ResampleEvery = 2, double EssThreshold = 0.5, double Eta = 0.5)
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
