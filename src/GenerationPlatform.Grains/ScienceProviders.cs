using GenerationPlatform.Contracts;
using TorchSharp;
using GenerationPlatform.Diffusion.Model;
using GenerationPlatform.Diffusion.Models;
using Microsoft.Extensions.Logging;
using GenerationPlatform.Diffusion.Sampling;
using GenerationPlatform.Verifiers;
using GenerationPlatform.Verifiers.Core;
using Microsoft.Extensions.Options;
using GenerationPlatform.Core.Model;
using GenerationPlatform.Core.Verifiers;

namespace GenerationPlatform.Grains;

/// <summary>Thrown for a model name this silo does not serve.</summary>
public sealed class UnknownModelException(string message) : Exception(message);

/// <summary>The velocity field for a model name; the silo loads networks, tests hand in analytic fields.</summary>
public interface IVelocityFieldProvider
{
    /// <summary>Throws <see cref="UnknownModelException"/> for a model this silo does not serve.</summary>
    IVelocityField Get(string model);

    /// <summary>What turns the model's final states into images (latent models, other value ranges); null: the states are the images.</summary>
    IImageRenderer? Renderer(string model) => null;

    /// <summary>The model's shapes and conditioning (by default read from its field).</summary>
    ModelDescription Describe(string model)
    {
        var field = Get(model);
        return new ModelDescription(model, "", "analytic", field.Shape, field.Shape, field.Conditioning);
    }
}

/// <summary>Turns a text model's prompt into the embedding its network is conditioned on.</summary>
public interface IPromptEncoder
{
    /// <summary>The prompt's embedding; throws when the encoder's embeddings do not have <paramref name="size"/> values.</summary>
    float[] Encode(string prompt, int size, CancellationToken cancellationToken);
}

/// <summary>Text encoders by the name a model's manifest gives (e.g. all-MiniLM-L6-v2).</summary>
public interface IPromptEncoderProvider
{
    /// <summary>Throws <see cref="UnknownModelException"/> for an encoder this silo does not have.</summary>
    IPromptEncoder Get(string encoder);
}

/// <summary>The verifier for a verifier name; the silo uses the catalog, tests hand in cheap ones.</summary>
public interface IVerifierProvider
{
    /// <summary>Throws <see cref="UnknownVerifierException"/> for an unknown name.</summary>
    IImageVerifier Get(string verifier);
}

/// <summary>
/// The silo's served models: every configured model folder is loaded and checked against its weights when the silo
/// starts (<see cref="ModelRegistry"/>); a refused folder is logged with the field named and the others are served.
/// </summary>
public sealed class NetworkFieldProvider : IVelocityFieldProvider, IRefusedModelFolders, IDisposable
{
    private readonly ModelRegistry registry;

    public NetworkFieldProvider(IOptions<ModelOptions> options, ILogger<NetworkFieldProvider> logger)
    {
        var o = options.Value;
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

    public IImageRenderer? Renderer(string model) => Loaded(model) is var m && m.NeedsRendering ? m : null;

    public ModelDescription Describe(string model)
    {
        var loaded = Loaded(model);
        return loaded.Manifest.Describe() with { Backend = loaded.Network.Backend, ForwardFlops = loaded.Network.ForwardFlops };
    }

    public void Dispose() => registry.Dispose();
}

internal static partial class ModelLog
{
    [LoggerMessage(61, LogLevel.Information, "Model '{Model}' served from {Folder}: {Backend} on {Device}, images {Shape}, conditioned on {Conditioning}")]
    public static partial void Served(ILogger logger, string model, string folder, string backend, string device, string shape, string conditioning);

    [LoggerMessage(62, LogLevel.Error, "Model '{Model}' ({Folder}) is refused: {Field}: {Message}; the silo serves the other models")]
    public static partial void Refused(ILogger logger, string model, string folder, string field, string message);
}

/// <summary>Verifiers from <see cref="VerifierCatalog"/> (models loaded once, shared).</summary>
public sealed class CatalogVerifierProvider(VerifierCatalog catalog) : IVerifierProvider
{
    public IImageVerifier Get(string verifier) => catalog.Get(verifier);
}
