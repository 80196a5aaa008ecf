using TorchSharp;
using GenerationPlatform.Diffusion.Model;
using GenerationPlatform.Diffusion.Sampling;
using GenerationPlatform.Verifiers;
using GenerationPlatform.Verifiers.Core;
using Microsoft.Extensions.Options;

namespace GenerationPlatform.Grains;

/// <summary>Thrown for a model name this silo does not serve.</summary>
public sealed class UnknownModelException(string message) : Exception(message);

/// <summary>The velocity field for a model name; the silo loads networks, tests hand in analytic fields.</summary>
public interface IVelocityFieldProvider
{
    /// <summary>Throws <see cref="UnknownModelException"/> for a model this silo does not serve.</summary>
    IVelocityField Get(string model);
}

/// <summary>The verifier for a verifier name; the silo uses the catalog, tests hand in cheap ones.</summary>
public interface IVerifierProvider
{
    /// <summary>Throws <see cref="UnknownVerifierException"/> for an unknown name.</summary>
    IImageVerifier Get(string verifier);
}

/// <summary>Loads each configured network once, on first use, and serves it with classifier-free guidance.</summary>
public sealed class NetworkFieldProvider(IOptions<ModelOptions> options) : IVelocityFieldProvider, IDisposable
{
    private readonly Dictionary<string, (VelocityUNet Net, GuidedVelocityField Field)> loaded = new(StringComparer.Ordinal);

    public IVelocityField Get(string model)
    {
        lock (loaded)
        {
            if (loaded.TryGetValue(model, out var entry)) return entry.Field;
            string? path = options.Value.Paths.TryGetValue(model, out var configured) ? configured
                : model == ModelOptions.ShippedModel ? null
                : throw new UnknownModelException($"unknown model '{model}'; known: {string.Join(", ", Known())}");
            if (options.Value.Threads > 0 && torch.get_num_threads() != options.Value.Threads) torch.set_num_threads(options.Value.Threads);
            var net = VelocityModelFile.Load(path);
            var device = ComputeDevice.Choose(options.Value.Device);
            if (device.type != DeviceType.CPU) net.to(device);
            var field = new GuidedVelocityField(net);
            loaded[model] = (net, field);
            return field;
        }
    }

    private IEnumerable<string> Known() => options.Value.Paths.Keys.Append(ModelOptions.ShippedModel).Distinct();

    public void Dispose()
    {
        lock (loaded)
            foreach (var (net, _) in loaded.Values) net.Dispose();
    }
}

/// <summary>Verifiers from <see cref="VerifierCatalog"/> (models loaded once, shared).</summary>
public sealed class CatalogVerifierProvider(VerifierCatalog catalog) : IVerifierProvider
{
    public IImageVerifier Get(string verifier) => catalog.Get(verifier);
}
