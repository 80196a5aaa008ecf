namespace GenerationPlatform.Contracts;

/// <summary>The models (section GenerationPlatform:Models): model folders, where their networks run, and which this silo loads.</summary>
public sealed class ModelOptions
{
    public const string Section = "GenerationPlatform:Models";

    /// <summary>The shipped class network (Fashion-MNIST, TorchSharp), served by default.</summary>
    public const string ShippedModel = "velocity-unet";

    /// <summary>The shipped network exported to ONNX (docs/MODELS.md), served by default through ONNX Runtime.</summary>
    public const string ShippedOnnxModel = "velocity-unet-onnx";

    /// <summary>Where the shipped model folders lie: Models/ next to the application.</summary>
    public static string ShippedModelsDirectory => Path.Combine(AppContext.BaseDirectory, "Models");

    /// <summary>
    /// Model folders to serve, each with a model.json manifest and its weights (docs/MODELS.md). Empty: every folder
    /// under <see cref="ShippedModelsDirectory"/> (the shipped models). A folder whose manifest or weights are bad is
    /// refused at start with the field named, and the silo serves the rest.
    /// </summary>
    public List<string> Folders { get; set; } = [];

    /// <summary>Azure Storage connection string for <c>blob:{container}/{prefix}</c> entries of <see cref="Folders"/>.</summary>
    public string? BlobConnectionString { get; set; }

    /// <summary>
    /// Where model folders from Blob Storage are downloaded to at start. A download replaces the folder only once it is whole, so
    /// the disk under it needs room for twice <see cref="MaxDownloadBytes"/> (the chart sizes its volume so).
    /// </summary>
    public string CacheDirectory { get; set; } = Path.Combine(Path.GetTempPath(), "genplat-models");

    /// <summary>The most bytes all of a silo's model folders from Blob Storage may hold together, counted as they download.</summary>
    public long MaxDownloadBytes { get; set; } = 16L << 30;

    /// <summary>
    /// The models this silo loads, by name (set from GenerationPlatform:Silo:Models by the host): null, every configured
    /// model; empty, none (a silo that hosts no denoisers still validates requests against every manifest).
    /// </summary>
    public IReadOnlyList<string>? Load { get; set; }

    /// <summary>The folders to serve: the configured ones, or the shipped ones.</summary>
    public IReadOnlyList<string> EffectiveFolders() => Folders.Count > 0 ? Folders.Select(Path.GetFullPath).Distinct(StringComparer.Ordinal).ToArray()
        : Directory.Exists(ShippedModelsDirectory)
            ? Directory.EnumerateDirectories(ShippedModelsDirectory).Where(d => File.Exists(Path.Combine(d, "model.json"))).Order(StringComparer.Ordinal).ToArray()
            : [];

    /// <summary>Where networks run: <c>auto</c> (CUDA when the GPU build sees a GPU, else CPU), <c>cpu</c> or <c>cuda</c>.</summary>
    public string Device { get; set; } = "auto";

    /// <summary>
    /// A libtorch folder for TorchSharp (PyTorch's <c>site-packages/torch/lib</c>, whose libtorch_cuda.so runs the networks on the
    /// GPU), loaded at start after a check of every symbol TorchSharp's glue needs; unset: the GENPLAT_LIBTORCH environment
    /// variable, else the build's own CPU libtorch. A build published without libtorch (infra/gpu/bundle.sh) needs one.
    /// </summary>
    public string? LibTorch { get; set; }

    /// <summary>
    /// Torch threads for CPU networks; 0: libtorch's default (every core it sees, which in a container is not its CPU
    /// quota). Set it to the silo's cores, or fewer on a silo that also hosts search jobs and verifiers.
    /// </summary>
    public int Threads { get; set; }
    /// <summary>What is wrong with these options, each problem naming its key; empty when nothing is.</summary>
    public IEnumerable<string> Problems()
    {
        if (Threads is < 0 or > 1024) yield return $"{Section}:Threads must be between 0 (libtorch's default) and 1024 (got {Threads})";
        if (MaxDownloadBytes <= 0) yield return $"{Section}:MaxDownloadBytes must be positive (got {MaxDownloadBytes})";
    }
}
