namespace GenerationPlatform.Core.Models;

/// <summary>Defaults for requests that do not say: sampler ("euler", "heun" or "stochastic"), steps and guidance scale.</summary>
public sealed record ModelDefaults(string Sampler = "heun", int Steps = 10, float Guidance = 1.5f)
{
    public static IReadOnlyList<string> Samplers { get; } = ["euler", "heun", "stochastic"];
}
