namespace GenerationPlatform.Search.Algorithms;

public enum ParticlePotential
{
    /// <summary>Weight by exp(lambda (r_t - r_previous)): the reward increment since the last weighting.</summary>
    Difference,
    /// <summary>Weight by exp(lambda r_t): the current reward level.</summary>
    Level,
}
