using GenerationPlatform.Core.Model;
using GenerationPlatform.Core.Models;

namespace GenerationPlatform.Diffusion.Models;

/// <summary>
/// The models a silo serves. Every configured folder is loaded when the registry is built (silo start) and checked
/// against its weights; a folder that cannot be served is recorded in <see cref="Failures"/> with the field at fault
/// (and reported through the log callback), and the others are served. Disposing the registry disposes the networks.
/// </summary>
public sealed class ModelRegistry : IDisposable
{
    private readonly Dictionary<string, LoadedModel> models = new(StringComparer.Ordinal);
    private readonly List<LoadedModel> ordered = [];
    private readonly List<ModelLoadFailure> failures = [];

    /// <param name="log">Told one line per served model and per refused folder.</param>
    public ModelRegistry(ModelRegistryOptions options, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var folder in options.Folders)
        {
            var full = Path.GetFullPath(folder);
            string name = Path.GetFileName(full.TrimEnd(Path.DirectorySeparatorChar)) is { Length: > 0 } n && Directory.Exists(full) ? n : full;
            try
            {
                var manifest = ModelManifest.Load(full);
                name = manifest.Name;
                if (options.Names is { } wanted && !wanted.Contains(manifest.Name)) continue;
                if (models.TryGetValue(manifest.Name, out var existing))
                    throw new ModelLoadException("name", $"'{manifest.Name}' is already served from {existing.Manifest.Folder}");
                var model = ModelLoader.Load(manifest, options.Load);
                models.Add(model.Name, model);
                ordered.Add(model);
                var shapes = model.Decoder is null ? $"{model.ImageShape}" : $"latent {model.Shape} -> {model.ImageShape}";
                log?.Invoke($"model '{model.Name}' served from {manifest.Folder}: {model.Info.Backend} on {model.Info.Device}, {shapes}, {model.Conditioning}, " +
                    $"predicts {manifest.Prediction.Kind.ToString().ToLowerInvariant()}");
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A ModelLoadException names the field; anything else escaped a network's loader and is recorded as such.
                var (field, message) = e is ModelLoadException m
                    ? (m.Field, m.Message.StartsWith(m.Field + ": ", StringComparison.Ordinal) ? m.Message[(m.Field.Length + 2)..] : m.Message)
                    : ("(load)", $"{e.GetType().Name}: {e.Message}");
                var failure = new ModelLoadFailure(NameIn(full) ?? name, full, field, message);
                failures.Add(failure);
                log?.Invoke(failure.ToString());
            }
        }
        Models = [.. ordered.Select(m => m.Info)];
        if (options.DefaultModel is { } d)
        {
            if (!models.ContainsKey(d))
            {
                failures.Add(new ModelLoadFailure(d, "", "default_model", $"the default model '{d}' is not served"));
                log?.Invoke($"default model '{d}' is not served; the default is {(ordered.Count > 0 ? $"'{ordered[0].Name}'" : "none")}");
            }
            else DefaultName = d;
        }
        DefaultName ??= ordered.Count > 0 ? ordered[0].Name : null;
    }

    /// <summary>The "name" of a manifest that was refused for another field, for the failure record; null when unreadable.</summary>
    private static string? NameIn(string folderOrManifest)
    {
        try
        {
            var file = Directory.Exists(folderOrManifest) ? Path.Combine(folderOrManifest, ModelManifest.FileName) : folderOrManifest;
            using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(file));
            return doc.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object
                && doc.RootElement.TryGetProperty("name", out var n) && n.ValueKind == System.Text.Json.JsonValueKind.String
                && ModelManifest.NameProblem(n.GetString()!) is null ? n.GetString() : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>Every served model, in configuration order.</summary>
    public IReadOnlyList<ServedModelInfo> Models { get; }

    /// <summary>The folders that were refused, with the field at fault.</summary>
    public IReadOnlyList<ModelLoadFailure> Failures => failures;

    public IReadOnlyList<string> Names => [.. ordered.Select(m => m.Name)];

    /// <summary>The model requests get when they name none; null when nothing is served.</summary>
    public string? DefaultName { get; }

    /// <summary>The served model <paramref name="name"/> (null or empty: the default).</summary>
    /// <exception cref="ModelNotFoundException">No served model has that name.</exception>
    public LoadedModel Get(string? name = null)
    {
        var key = string.IsNullOrEmpty(name) ? DefaultName : name;
        return key is not null && models.TryGetValue(key, out var model) ? model : throw new ModelNotFoundException(name ?? "(default)", Names);
    }

    public bool TryGet(string name, out LoadedModel model) => models.TryGetValue(name, out model!);

    public void Dispose()
    {
        foreach (var m in ordered) m.Dispose();
        ordered.Clear();
        models.Clear();
    }
}
