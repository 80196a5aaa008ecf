using System.Buffers.Binary;
using System.IO.Compression;

namespace GenerationPlatform.Text;

/// <summary>
/// Reads Fashion-MNIST's IDX files (gzip-compressed or plain) as installed by the Debian package
/// <c>dataset-fashion-mnist</c> (<see cref="DefaultDirectory"/>) or from <c>GENPLAT_FASHION_MNIST</c>. A small copy of
/// the diffusion project's reader, so this project needs no TorchSharp.
/// </summary>
public static class FashionMnistFiles
{
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";

    public static string ResolveDirectory(string? directory = null) =>
        directory ?? Environment.GetEnvironmentVariable("GENPLAT_FASHION_MNIST") ?? DefaultDirectory;

    /// <summary>The training split (60,000 images) or the test split (10,000).</summary>
    public static FashionMnistImages Load(bool train, string? directory = null)
    {
        var dir = ResolveDirectory(directory);
        var prefix = train ? "train" : "t10k";
        var (imageShape, pixels) = Read(Find(dir, $"{prefix}-images-idx3-ubyte"), 3);
        var (labelShape, labels) = Read(Find(dir, $"{prefix}-labels-idx1-ubyte"), 1);
        if (imageShape[1] != FashionMnistImages.Side || imageShape[2] != FashionMnistImages.Side || imageShape[0] != labelShape[0])
            throw new InvalidDataException($"{dir}: {prefix} images are {string.Join("x", imageShape)} with {labelShape[0]} labels");
        if (labels.Any(l => l >= FashionClasses.Count))
            throw new InvalidDataException($"{dir}: a {prefix} label is outside 0..9");
        return new FashionMnistImages(pixels, labels);
    }

    private static string Find(string dir, string stem)
    {
        var plain = Path.Combine(dir, stem);
        var gz = plain + ".gz";
        if (File.Exists(gz)) return gz;
        if (File.Exists(plain)) return plain;
        throw new FileNotFoundException($"Fashion-MNIST file not found: {gz}. Install it with: sudo apt-get install dataset-fashion-mnist (or set GENPLAT_FASHION_MNIST)", gz);
    }

    private static (int[] Shape, byte[] Data) Read(string path, int dimensions)
    {
        using var file = File.OpenRead(path);
        using var stream = path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionMode.Decompress) : (Stream)file;
        Span<byte> word = stackalloc byte[4];
        stream.ReadExactly(word);
        if (word[0] != 0 || word[1] != 0 || word[2] != 0x08 || word[3] != dimensions)
            throw new InvalidDataException($"{path}: not an IDX file of unsigned bytes with {dimensions} dimensions");
        var shape = new int[dimensions];
        long total = 1;
        for (int i = 0; i < dimensions; i++)
        {
            stream.ReadExactly(word);
            shape[i] = checked((int)BinaryPrimitives.ReadUInt32BigEndian(word));
            total *= shape[i];
        }
        var data = new byte[checked((int)total)];
        stream.ReadExactly(data);
        return (shape, data);
    }
}
