using System.Buffers.Binary;
using System.Security.Cryptography;
using GenerationPlatform.Verifiers.Classifier;
using GenerationPlatform.Verifiers.ResNet;
using static TorchSharp.torch;

namespace GenerationPlatform.Evaluation;

/// <summary>
/// A feature extractor with the mean and covariance of its features on a reference image set, for the
/// Fréchet distance of generated images to that set. The moments are cached in a file named by the
/// extractor's key (which must change with the model) and the reference image count, because the
/// ResNet-18 features of the 10,000 Fashion-MNIST test images take minutes on a CPU.
/// </summary>
public sealed class FrechetReference : IDisposable
{
    private const uint Magic = 0x31444650; // "PFD1"
    private const int ChunkSize = 256;
    private readonly FeatureExtractor extract;

    private FrechetReference(FeatureExtractor extract, Tensor mean, Tensor covariance, bool fromCache, string cacheFile)
    {
        this.extract = extract;
        Mean = mean;
        Covariance = covariance;
        LoadedFromCache = fromCache;
        CacheFile = cacheFile;
    }

    /// <summary>Float64 [dim].</summary>
    public Tensor Mean { get; }

    /// <summary>Float64 [dim, dim].</summary>
    public Tensor Covariance { get; }

    public bool LoadedFromCache { get; }
    public string CacheFile { get; }

    /// <summary>The cache file for an extractor key and a reference image count.</summary>
    public static string CachePath(string cacheDirectory, string key, int count) => Path.Combine(cacheDirectory, $"fd-reference-{key}-n{count}.bin");

    /// <summary>
    /// Reads the reference moments from the cache, or extracts the features of <paramref name="referenceImages"/>
    /// (in chunks, reporting progress) and writes the cache. A cache file that does not match (corrupt,
    /// other count) is recomputed and replaced.
    /// </summary>
    public static FrechetReference LoadOrCompute(FeatureExtractor extract, string key, IReadOnlyList<float[]> referenceImages, string cacheDirectory,
        Action<int, int>? progress = null, CancellationToken cancellationToken = default)
    {
        if (referenceImages.Count < 2) throw new ArgumentException("a reference needs at least two images", nameof(referenceImages));
        var file = CachePath(cacheDirectory, key, referenceImages.Count);
        if (TryRead(file, referenceImages.Count) is var (m, c)) return new(extract, m, c, true, file);

        var features = new float[referenceImages.Count][];
        for (int start = 0; start < referenceImages.Count; start += ChunkSize)
        {
            int n = Math.Min(ChunkSize, referenceImages.Count - start);
            var chunk = extract(Enumerable.Range(start, n).Select(i => referenceImages[i]).ToArray(), cancellationToken);
            chunk.CopyTo(features, start);
            progress?.Invoke(start + n, referenceImages.Count);
        }
        var (mean, cov) = Moments(features);
        Directory.CreateDirectory(cacheDirectory);
        Write(file, referenceImages.Count, mean, cov);
        return new(extract, mean, cov, false, file);
    }

    /// <summary>
    /// ResNet-18 features (<see cref="ResNet18Features"/>); the key is a hash of the model file, so a different
    /// model never reads another's statistics.
    /// </summary>
    public static FrechetReference ForResNet18(ResNet18Features resnet, string modelPath, IReadOnlyList<float[]> referenceImages, string cacheDirectory,
        Action<int, int>? progress = null, CancellationToken cancellationToken = default) =>
        LoadOrCompute(resnet.Extract, "resnet18-" + FileKey(modelPath), referenceImages, cacheDirectory, progress, cancellationToken);

    /// <summary>The first 16 hex digits of the file's SHA-256.</summary>
    public static string FileKey(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream))[..16];
    }

    /// <summary>Fréchet distance between the features of <paramref name="images"/> and the reference.</summary>
    public double Distance(IReadOnlyList<float[]> images, CancellationToken cancellationToken = default)
    {
        if (images.Count < 2) throw new ArgumentException("a Fréchet distance needs at least two images", nameof(images));
        var (mean, cov) = Moments(extract(images, cancellationToken));
        using (mean)
        using (cov)
            return FrechetDistance.Compute(mean, cov, Mean, Covariance);
    }

    private static (Tensor Mean, Tensor Covariance) Moments(float[][] features)
    {
        int dim = features[0].Length;
        if (features.Any(f => f.Length != dim)) throw new InvalidDataException("features differ in length");
        using var t = tensor(features.SelectMany(f => f).ToArray(), [features.Length, dim]);
        return FeatureStatistics.Moments(t);
    }

    private static (Tensor, Tensor)? TryRead(string file, int count)
    {
        if (!File.Exists(file)) return null;
        var bytes = File.ReadAllBytes(file);
        if (bytes.Length < 12 || BinaryPrimitives.ReadUInt32LittleEndian(bytes) != Magic) return null;
        int n = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(4)), dim = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(8));
        if (n != count || dim <= 0 || bytes.Length != 12 + 8L * (dim + (long)dim * dim)) return null;
        var values = new double[dim + dim * dim];
        for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadDoubleLittleEndian(bytes.AsSpan(12 + 8 * i));
        return (tensor(values[..dim], [dim]), tensor(values[dim..], [dim, dim]));
    }

    private static void Write(string file, int count, Tensor mean, Tensor cov)
    {
        var m = mean.data<double>().ToArray();
        var c = cov.data<double>().ToArray();
        var bytes = new byte[12 + 8 * (m.Length + c.Length)];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, Magic);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), count);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), m.Length);
        int offset = 12;
        foreach (var v in m.Concat(c))
        {
            BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(offset), v);
            offset += 8;
        }
        var tmp = file + $".tmp-{Environment.ProcessId}";
        File.WriteAllBytes(tmp, bytes);
        File.Move(tmp, file, overwrite: true);
    }

    public void Dispose()
    {
        Mean.Dispose();
        Covariance.Dispose();
    }
}
