namespace GenerationPlatform.Core.Model;

/// <summary>A model folder, manifest or network that cannot be served; <see cref="Field"/> names what is wrong (e.g. "image.channels").</summary>
public sealed class ModelLoadException(string field, string message) : Exception($"{field}: {message}")
{
    public string Field { get; } = field;
}
