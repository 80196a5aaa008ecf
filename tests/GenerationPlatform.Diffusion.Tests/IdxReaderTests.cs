using System.Buffers.Binary;
using System.IO.Compression;
using GenerationPlatform.Diffusion.Data;

namespace GenerationPlatform.Diffusion.Tests;

public sealed class IdxReaderTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("idx-tests-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static byte[] Idx(byte type, int[] shape, byte[] payload)
    {
        var bytes = new byte[4 + 4 * shape.Length + payload.Length];
        bytes[2] = type;
        bytes[3] = (byte)shape.Length;
        for (int i = 0; i < shape.Length; i++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), shape[i]);
        payload.CopyTo(bytes, 4 + 4 * shape.Length);
        return bytes;
    }

    private string Write(string name, byte[] bytes, bool gzip = false)
    {
        var path = Path.Combine(dir, name);
        if (!gzip) File.WriteAllBytes(path, bytes);
        else
        {
            using var fs = File.Create(path);
            using var gz = new GZipStream(fs, CompressionLevel.Fastest);
            gz.Write(bytes);
        }
        return path;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadsPlainAndGzip(bool gzip)
    {
        var payload = Enumerable.Range(0, 2 * 3 * 4).Select(i => (byte)i).ToArray();
        var path = Write("images", Idx(0x08, [2, 3, 4], payload), gzip);
        var array = IdxReader.Read(path, 3);
        Assert.Equal(new[] { 2, 3, 4 }, array.Shape);
        Assert.Equal(payload, array.Data);
        Assert.Equal(12, array.ItemSize);
    }

    [Fact]
    public void MissingFileNamesPathAndPackage()
    {
        var path = Path.Combine(dir, "nope.gz");
        var e = Assert.Throws<DatasetException>(() => IdxReader.Read(path, 1));
        Assert.Contains(path, e.Message);
        Assert.Contains("apt-get install dataset-fashion-mnist", e.Message);
    }

    [Fact]
    public void BadMagicIsRejected()
    {
        var bytes = Idx(0x08, [3], [1, 2, 3]);
        bytes[0] = 0x1f; bytes[1] = 0x00;
        var e = Assert.Throws<DatasetException>(() => IdxReader.Read(Write("bad", bytes), 1));
        Assert.Contains("magic", e.Message);
    }

    [Fact]
    public void WrongElementTypeIsRejected()
    {
        var e = Assert.Throws<DatasetException>(() => IdxReader.Read(Write("float", Idx(0x0D, [3], [1, 2, 3])), 1));
        Assert.Contains("element type", e.Message);
    }

    [Fact]
    public void WrongDimensionCountIsRejected()
    {
        var e = Assert.Throws<DatasetException>(() => IdxReader.Read(Write("dims", Idx(0x08, [3], [1, 2, 3])), 3));
        Assert.Contains("1 dimensions, expected 3", e.Message);
    }

    [Fact]
    public void ZeroSizedDimensionIsRejected()
    {
        var e = Assert.Throws<DatasetException>(() => IdxReader.Read(Write("zero", Idx(0x08, [0], [])), 1));
        Assert.Contains("invalid size", e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TruncatedPayloadIsRejected(bool gzip)
    {
        var full = Idx(0x08, [2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]);
        var path = Write("trunc", full[..^3], gzip);
        var e = Assert.Throws<DatasetException>(() => IdxReader.Read(path, 3));
        Assert.Contains("truncated", e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void TruncatedHeaderIsRejected()
    {
        var e = Assert.Throws<DatasetException>(() => IdxReader.Read(Write("short", [0, 0, 8]), 1));
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void TrailingBytesAreRejected()
    {
        var e = Assert.Throws<DatasetException>(() => IdxReader.Read(Write("long", Idx(0x08, [2], [1, 2, 3])), 1));
        Assert.Contains("longer than its header", e.Message);
    }

    [Fact]
    public void CorruptGzipIsReportedWithPath()
    {
        var good = Write("g.gz", Idx(0x08, [4], [1, 2, 3, 4]), gzip: true);
        var bytes = File.ReadAllBytes(good);
        for (int i = 10; i < bytes.Length - 8; i++) bytes[i] ^= 0x5a;
        var path = Write("corrupt.gz", bytes);
        var e = Assert.Throws<DatasetException>(() => IdxReader.Read(path, 1));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void SplitLoaderChecksImageAndLabelCounts()
    {
        var images = new byte[3 * 28 * 28];
        Write("train-images-idx3-ubyte", Idx(0x08, [3, 28, 28], images));
        Write("train-labels-idx1-ubyte.gz", Idx(0x08, [2], [1, 2]), gzip: true);
        var e = Assert.Throws<DatasetException>(() => FashionMnist.Load(train: true, dir));
        Assert.Contains("3 images but 2 labels", e.Message);

        Write("train-labels-idx1-ubyte.gz", Idx(0x08, [3], [1, 2, 9]), gzip: true);
        var split = FashionMnist.Load(train: true, dir);
        Assert.Equal(3, split.Count);
        Assert.Equal(9, split.Labels[2]);

        Write("train-labels-idx1-ubyte.gz", Idx(0x08, [3], [1, 2, 10]), gzip: true);
        Assert.Contains("label 10", Assert.Throws<DatasetException>(() => FashionMnist.Load(train: true, dir)).Message);
    }
}
