namespace GenerationPlatform.Diffusion.Models;

/// <summary>A request named a model the registry does not serve.</summary>
public sealed class ModelNotFoundException(string name, IReadOnlyList<string> known)
    : Exception(known.Count == 0 ? $"unknown model '{name}': no models are served" : $"unknown model '{name}'; served: {string.Join(", ", known)}")
{
    public string Name { get; } = name;
    public IReadOnlyList<string> Known { get; } = known;
}
