using GenerationPlatform.Core.Models;

namespace GenerationPlatform.Diffusion.Models;

/// <summary>Which model folders a registry serves and how it opens their networks.</summary>
public sealed record ModelRegistryOptions
{
    /// <summary>Model folders (each with a model.json) or manifest files, in the order they are served.</summary>
    public IReadOnlyList<string> Folders { get; init; } = [];

    /// <summary>The model requests get when they name none; null: the first served model.</summary>
    public string? DefaultModel { get; init; }

    public ModelLoadSettings Load { get; init; } = new();

    /// <summary>Only the models of these names are loaded (their folders' manifests are still read); null: every one.</summary>
    public IReadOnlyCollection<string>? Names { get; init; }

    /// <summary>Every direct subfolder of <paramref name="root"/> that holds a model.json, in ordinal name order.</summary>
    public static IReadOnlyList<string> FoldersUnder(string root) =>
        Directory.Exists(root)
            ? [.. Directory.EnumerateDirectories(root).Where(d => File.Exists(Path.Combine(d, ModelManifest.FileName))).Order(StringComparer.Ordinal)]
            : [];
}
