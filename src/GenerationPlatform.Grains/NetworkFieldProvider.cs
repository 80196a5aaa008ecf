using GenerationPlatform.Contracts;
using TorchSharp;
using GenerationPlatform.Diffusion.Models;
using Microsoft.Extensions.Logging;
using GenerationPlatform.Diffusion.Sampling;
using Microsoft.Extensions.Options;
using GenerationPlatform.Core.Model;
using GenerationPlatform.Serving;
using GenerationPlatform.Core.Models;

namespace GenerationPlatform.Grains;

/// <summary>
/// The silo's served models: every configured model folder is loaded and checked against its weights when the silo
/// starts (<see cref="ModelRegistry"/>); a refused folder is logged with the field named and the others are served.
/// </summary>
public sealed class NetworkFieldProvider : IVelocityFieldProvider, IRefusedModelFolders, IDisposable
{
    private readonly ModelRegistry registry;
    private readonly int threads;

    public NetworkFieldProvider(IOptions<ModelOptions> options, ILogger<NetworkFieldProvider> logger)
    {
        var o = options.Value;
        threads = o.Threads;
        if (o.Threads > 0 && torch.get_num_threads() != o.Threads) torch.set_num_threads(o.Threads);
        registry = new ModelRegistry(new ModelRegistryOptions
        {
            Folders = o.EffectiveFolders(),
            Names = o.Load,
            Load = new ModelLoadSettings(o.Device, o.Threads),
        });
        foreach (var m in registry.Models)
            ModelLog.Served(logger, m.Name, m.Folder, m.Backend, m.Device, m.ImageShape.ToString(), m.Conditioning.ToString());
        foreach (var f in registry.Failures) ModelLog.Refused(logger, f.Name, f.Folder, f.Field, f.Message);
    }

    public IReadOnlyList<ModelLoadFailure> Failures => registry.Failures;

    public IReadOnlyCollection<string> RefusedFolders => [.. Failures.Select(f => f.Folder)];


    private LoadedModel Loaded(string model) =>
        registry.TryGet(model, out var loaded) ? loaded
            : throw new UnknownModelException($"unknown model '{model}'; known: {string.Join(", ", registry.Names)}");

    public IVelocityField Get(string model) => Loaded(model).Field;

    public IReadOnlyList<string> Served => registry.Names;

    public BatchCapKey? CapKey(string model)
    {
        var m = Loaded(model);
        string[] files = [Path.Combine(m.Manifest.Folder, ModelManifest.FileName), m.Manifest.WeightsPath, .. m.Manifest.DecoderPath is { } d ? new[] { d } : []];
        return new BatchCapKey(model, BatchCapKey.DigestOf(files), BatchCapKey.ThisMachine(m.Network.Backend, m.Network.Device, threads));
    }

    public IImageRenderer? Renderer(string model) => Loaded(model) is var m && m.NeedsRendering ? m : null;

    public ModelDescription Describe(string model)
    {
        var loaded = Loaded(model);
        return loaded.Manifest.Describe() with { Backend = loaded.Network.Backend, ForwardFlops = loaded.Network.ForwardFlops };
    }

    public void Dispose() => registry.Dispose();
}
