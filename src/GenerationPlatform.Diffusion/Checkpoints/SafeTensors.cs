using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace GenerationPlatform.Diffusion.Checkpoints;

/// <summary>
/// The safetensors format (8-byte little-endian header length, JSON header, raw little-endian data),
/// so that PyTorch users can read our weights with the `safetensors` package.
/// </summary>
public static class SafeTensors
{
    private const long MaxHeaderBytes = 100_000_000;

    public static void Save(string path, IEnumerable<(string Name, Tensor Tensor)> tensors, IReadOnlyDictionary<string, string>? metadata = null, bool halfPrecision = false)
    {
        var header = new JsonObject();
        if (metadata is { Count: > 0 })
        {
            var meta = new JsonObject();
            foreach (var (k, v) in metadata) meta[k] = v;
            header["__metadata__"] = meta;
        }
        var blobs = new List<byte[]>();
        long offset = 0;
        foreach (var (name, tensor) in tensors.OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            var (dtype, bytes) = ToBytes(tensor, halfPrecision);
            header[name] = new JsonObject
            {
                ["dtype"] = dtype,
                ["shape"] = new JsonArray(tensor.shape.Select(s => (JsonNode)s).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + bytes.Length),
            };
            blobs.Add(bytes);
            offset += bytes.Length;
        }
        var headerBytes = Encoding.UTF8.GetBytes(header.ToJsonString());
        int padded = (headerBytes.Length + 7) / 8 * 8;
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(dir);
        var tmp = path + ".tmp";
        using (var fs = File.Create(tmp))
        {
            Span<byte> len = stackalloc byte[8];
            BinaryPrimitives.WriteInt64LittleEndian(len, padded);
            fs.Write(len);
            fs.Write(headerBytes);
            for (int i = headerBytes.Length; i < padded; i++) fs.WriteByte((byte)' ');
            foreach (var b in blobs) fs.Write(b);
        }
        File.Move(tmp, path, overwrite: true); // never a half-written checkpoint under the real name
    }

    private static (string, byte[]) ToBytes(Tensor tensor, bool half)
    {
        using var cpu = tensor.detach().cpu().contiguous();
        if (cpu.dtype == ScalarType.Float32 || cpu.dtype == ScalarType.Float16)
        {
            if (half)
            {
                using var h = cpu.to(ScalarType.Float16);
                return ("F16", MemoryMarshal.AsBytes(h.data<Half>().ToArray().AsSpan()).ToArray());
            }
            using var f = cpu.to(ScalarType.Float32);
            return ("F32", MemoryMarshal.AsBytes(f.data<float>().ToArray().AsSpan()).ToArray());
        }
        if (cpu.dtype == ScalarType.Float64) return ("F64", MemoryMarshal.AsBytes(cpu.data<double>().ToArray().AsSpan()).ToArray());
        if (cpu.dtype == ScalarType.Int64) return ("I64", MemoryMarshal.AsBytes(cpu.data<long>().ToArray().AsSpan()).ToArray());
        throw new CheckpointException($"tensor dtype {cpu.dtype} is not supported in checkpoints");
    }

    /// <summary>Reads every tensor (as float32 for floating types) and the metadata.</summary>
    public static (Dictionary<string, Tensor> Tensors, Dictionary<string, string> Metadata) Load(string path)
    {
        if (!File.Exists(path)) throw new CheckpointException($"checkpoint not found: {path}");
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 8) throw new CheckpointException($"{path}: too short to be a safetensors file");
        long headerLen = BinaryPrimitives.ReadInt64LittleEndian(bytes);
        if (headerLen <= 0 || headerLen > MaxHeaderBytes || 8 + headerLen > bytes.Length)
            throw new CheckpointException($"{path}: bad safetensors header length {headerLen}");
        JsonObject header;
        try { header = JsonNode.Parse(Encoding.UTF8.GetString(bytes, 8, (int)headerLen))!.AsObject(); }
        catch (JsonException e) { throw new CheckpointException($"{path}: safetensors header is not valid JSON", e); }
        long dataStart = 8 + headerLen;
        var tensors = new Dictionary<string, Tensor>();
        var metadata = new Dictionary<string, string>();
        foreach (var (name, node) in header)
        {
            if (name == "__metadata__")
            {
                foreach (var (k, v) in node!.AsObject()) metadata[k] = v!.GetValue<string>();
                continue;
            }
            var o = node!.AsObject();
            var dtype = o["dtype"]!.GetValue<string>();
            var shape = o["shape"]!.AsArray().Select(s => s!.GetValue<long>()).ToArray();
            var offs = o["data_offsets"]!.AsArray().Select(s => s!.GetValue<long>()).ToArray();
            long begin = dataStart + offs[0], end = dataStart + offs[1];
            long count = shape.Aggregate(1L, (a, b) => a * b);
            int elem = dtype switch
            {
                "F16" => 2,
                "F32" => 4,
                "F64" => 8,
                "I64" => 8,
                _ => throw new CheckpointException($"{path}: tensor '{name}' has unsupported dtype {dtype}"),
            };
            if (offs[0] < 0 || end > bytes.Length || end - begin != count * elem)
                throw new CheckpointException($"{path}: tensor '{name}' data range [{offs[0]}, {offs[1]}) does not match its shape or the file length");
            var span = bytes.AsSpan((int)begin, (int)(end - begin));
            tensors[name] = dtype switch
            {
                "F16" => tensor(MemoryMarshal.Cast<byte, Half>(span).ToArray(), shape).to(ScalarType.Float32),
                "F32" => tensor(MemoryMarshal.Cast<byte, float>(span).ToArray(), shape),
                "F64" => tensor(MemoryMarshal.Cast<byte, double>(span).ToArray(), shape),
                _ => tensor(MemoryMarshal.Cast<byte, long>(span).ToArray(), shape),
            };
        }
        return (tensors, metadata);
    }

    /// <summary>Saves a module's parameters and buffers.</summary>
    public static void SaveModule(string path, nn.Module module, IReadOnlyDictionary<string, string>? metadata = null, bool halfPrecision = false) =>
        Save(path, module.state_dict().Select(kv => (kv.Key, kv.Value)), metadata, halfPrecision);

    /// <summary>Copies a checkpoint into a module; every name and shape must match exactly.</summary>
    public static Dictionary<string, string> LoadModule(string path, nn.Module module)
    {
        var (tensors, metadata) = Load(path);
        try
        {
            CopyInto(module, tensors, path);
            return metadata;
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    /// <summary>Copies loaded tensors into a module's parameters and buffers, checking names and shapes.</summary>
    public static void CopyInto(nn.Module module, IReadOnlyDictionary<string, Tensor> tensors, string source)
    {
        var state = module.state_dict();
        var missing = state.Keys.Except(tensors.Keys).ToList();
        var extra = tensors.Keys.Except(state.Keys).ToList();
        if (missing.Count > 0 || extra.Count > 0)
            throw new CheckpointException($"{source} does not fit {module.GetName()}: " +
                $"missing [{string.Join(", ", missing.Take(5))}], unexpected [{string.Join(", ", extra.Take(5))}]");
        using var _ = no_grad();
        foreach (var (name, target) in state)
        {
            var tensor = tensors[name];
            if (!tensor.shape.SequenceEqual(target.shape))
                throw new CheckpointException($"{source}: tensor '{name}' has shape [{string.Join(",", tensor.shape)}], the module expects [{string.Join(",", target.shape)}]");
            target.copy_(tensor.to(target.dtype));
        }
    }
}
