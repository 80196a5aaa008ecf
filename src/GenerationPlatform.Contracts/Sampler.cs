namespace GenerationPlatform.Contracts;

/// <summary>The sampler of a trajectory (mirrors GenerationPlatform.Core.Sampling.SamplerKind by value).</summary>
[GenerateSerializer]
public enum Sampler
{
    Euler = 0,
    Heun = 1,
    Stochastic = 2,
}
