namespace GenerationPlatform.Core.Sampling;

public enum SamplerKind
{
    /// <summary>First order, 1 NFE per step.</summary>
    Euler,
    /// <summary>Second order, 2 NFE per step except an Euler last step onto t = 0 (2S - 1 NFE for S steps).</summary>
    Heun,
    /// <summary>The stochastic step of SEARCH.md section 2 with noise scale eta, 1 NFE per step.</summary>
    Stochastic,
}
