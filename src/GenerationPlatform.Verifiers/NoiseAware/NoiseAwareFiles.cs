using System.Globalization;
using GenerationPlatform.Diffusion.Checkpoints;

namespace GenerationPlatform.Verifiers.NoiseAware;

/// <summary>Where the shipped noise-aware head lives, and how to write and read it (float16 weights, provenance in the metadata).</summary>
public static class NoiseAwareFiles
{
    public const string FileName = "noise-aware-classifier.safetensors";
    public const string Architecture = "genplat-noise-aware-ranker-2";

    public static string DefaultPath => Path.Combine(AppContext.BaseDirectory, "Weights", FileName);

    public static void Save(string path, NoiseAwareRanker model, string verifier, string provenance) =>
        SafeTensors.SaveModule(path, model, new Dictionary<string, string>
        {
            ["architecture"] = Architecture,
            ["verifier"] = verifier,
            ["description"] = provenance,
            ["flops_per_image"] = NoiseAwareRanker.ForwardFlops.ToString("R", CultureInfo.InvariantCulture),
        }, halfPrecision: true);

    /// <summary>The head at <paramref name="path"/>; throws <see cref="CheckpointException"/> for a file of another kind.</summary>
    public static NoiseAwareRanker Load(string? path = null)
    {
        path ??= DefaultPath;
        var (tensors, meta) = SafeTensors.Load(path);
        try
        {
            if (!meta.TryGetValue("architecture", out var arch) || arch != Architecture)
                throw new CheckpointException($"{path} is not a noise-aware ranker of this version (metadata 'architecture' is '{arch}', expected '{Architecture}'; " +
                    "retrain it with genplat-research train-noise-verifier)");
            var model = new NoiseAwareRanker();
            SafeTensors.CopyInto(model, tensors, path);
            model.eval();
            return model;
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    /// <summary>The shipped head, or null when the file is absent (the `classifier` verifier then ranks no noisy inputs).</summary>
    public static NoiseAwareRanker? LoadIfPresent(string? path = null) => File.Exists(path ?? DefaultPath) ? Load(path) : null;
}
