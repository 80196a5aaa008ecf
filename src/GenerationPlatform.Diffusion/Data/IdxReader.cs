using System.Buffers.Binary;
using System.IO.Compression;

namespace GenerationPlatform.Diffusion.Data;

/// <summary>Reads IDX files, gzip-compressed or plain, checking magic, dimensions, counts and length.</summary>
public static class IdxReader
{
    private const int UnsignedByteType = 0x08;
    private const int MaxDimensions = 4;

    public static IdxArray Read(string path, int expectedDimensions)
    {
        if (!File.Exists(path))
            throw new DatasetException($"dataset file not found: {path}. {FashionMnist.InstallHint}");
        try
        {
            using var file = File.OpenRead(path);
            using var stream = IsGzip(file) ? new GZipStream(file, CompressionMode.Decompress) : (Stream)file;
            return Read(stream, path, expectedDimensions);
        }
        catch (InvalidDataException e)
        {
            throw new DatasetException($"dataset file is corrupt: {path}: {e.Message}. {FashionMnist.InstallHint}", e);
        }
    }

    private static bool IsGzip(FileStream file)
    {
        Span<byte> head = stackalloc byte[2];
        int n = file.Read(head);
        file.Position = 0;
        return n == 2 && head[0] == 0x1f && head[1] == 0x8b;
    }

    public static IdxArray Read(Stream stream, string path, int expectedDimensions)
    {
        Span<byte> header = stackalloc byte[4];
        ReadExactly(stream, header, path, "magic number");
        if (header[0] != 0 || header[1] != 0)
            throw new DatasetException($"{path}: bad IDX magic number 0x{BinaryPrimitives.ReadUInt32BigEndian(header):x8} (expected 0x0000080{expectedDimensions})");
        if (header[2] != UnsignedByteType)
            throw new DatasetException($"{path}: IDX element type 0x{header[2]:x2} is not unsigned byte (0x08)");
        int dims = header[3];
        if (dims != expectedDimensions || dims < 1 || dims > MaxDimensions)
            throw new DatasetException($"{path}: IDX file has {dims} dimensions, expected {expectedDimensions}");
        var shape = new int[dims];
        long total = 1;
        Span<byte> dim = stackalloc byte[4];
        for (int i = 0; i < dims; i++)
        {
            ReadExactly(stream, dim, path, $"dimension {i}");
            uint size = BinaryPrimitives.ReadUInt32BigEndian(dim);
            if (size == 0 || size > int.MaxValue)
                throw new DatasetException($"{path}: IDX dimension {i} has invalid size {size}");
            shape[i] = (int)size;
            total *= size;
        }
        if (total > Array.MaxLength)
            throw new DatasetException($"{path}: IDX payload of {total} bytes is too large");
        var data = new byte[total];
        ReadExactly(stream, data, path, "payload");
        if (stream.ReadByte() != -1)
            throw new DatasetException($"{path}: IDX file is longer than its header says ({total} bytes of data expected)");
        return new IdxArray(shape, data);
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer, string path, string what)
    {
        int read = 0;
        while (read < buffer.Length)
        {
            int n = stream.Read(buffer[read..]);
            if (n == 0)
                throw new DatasetException($"{path}: IDX file is truncated in its {what} (got {read} of {buffer.Length} bytes)");
            read += n;
        }
    }
}
