using GenerationPlatform.Contracts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using GenerationPlatform.Core.Model;
using GenerationPlatform.Core.Models;

namespace GenerationPlatform.Api;

/// <summary>
/// The configured models' manifests, read once (no weights loaded): what the API validates requests against and
/// ListModels lists. A folder whose manifest is bad is left out and logged with the field named; the rest are served.
/// Two folders of one name: the first is served, the second refused. Where this host loads the models itself
/// (<see cref="IRefusedModelFolders"/>), a model whose weights it refused is left out too.
/// </summary>
public sealed class ModelCatalogue
{
    private readonly Dictionary<string, ModelManifest> byName = new(StringComparer.Ordinal);

    public ModelCatalogue(IOptions<ModelOptions> options, ILogger<ModelCatalogue>? logger = null, IRefusedModelFolders? loaded = null)
    {
        var unservable = loaded?.RefusedFolders.Select(Path.GetFullPath).ToHashSet(StringComparer.Ordinal) ?? [];
        logger ??= NullLogger<ModelCatalogue>.Instance;
        var refused = new List<(string, ModelLoadException)>();
        foreach (var folder in options.Value.EffectiveFolders())
        {
            try
            {
                if (unservable.Contains(Path.GetFullPath(folder))) continue; // the registry logged why
                var manifest = ModelManifest.Load(folder);
                if (!(manifest.ForwardFlops > 0))
                    throw new ModelLoadException("forward_flops", "required to serve a model: the FLOPs of one forward pass (one NFE, unguided), " +
                        "against which a job's verifier compute is charged (docs/MODELS.md)");
                if (!byName.TryAdd(manifest.Name, manifest))
                    throw new ModelLoadException("name", $"a model named '{manifest.Name}' is already served from {byName[manifest.Name].Folder}");
            }
            catch (ModelLoadException e)
            {
                refused.Add((folder, e));
                ModelCatalogueLog.Refused(logger, folder, e.Field, e.Message);
            }
        }
        Refused = refused;
        Models = byName.Values.Select(m => m.Describe()).OrderBy(m => m.Name, StringComparer.Ordinal).ToArray();
    }

    public IReadOnlyList<ModelDescription> Models { get; }

    /// <summary>Folders that were refused, with why.</summary>
    public IReadOnlyList<(string Folder, ModelLoadException Error)> Refused { get; }

    public ModelManifest? Manifest(string name) => byName.GetValueOrDefault(name);

    public ModelDescription? Describe(string name) => byName.TryGetValue(name, out var m) ? m.Describe() : null;
}
