using System.Buffers.Binary;

namespace GenerationPlatform.Onnx;

/// <summary>
/// Builds an ONNX model (onnx.proto3 ModelProto) node by node: graph inputs and outputs with fixed or symbolic
/// dimensions, initializers as raw little-endian data, nodes with attributes, model metadata. Names of intermediate
/// values are generated. The result loads in ONNX Runtime; no schema checking happens here.
/// </summary>
public sealed class OnnxGraphBuilder(string graphName)
{
    private readonly List<byte[]> nodes = [], initializers = [], inputs = [], outputs = [];
    private readonly HashSet<string> names = new(StringComparer.Ordinal);
    private int counter;

    public string GraphName { get; } = graphName;

    /// <summary>Nodes added so far.</summary>
    public int NodeCount => nodes.Count;

    /// <summary>Operator types used, with their counts.</summary>
    public Dictionary<string, int> OpCounts { get; } = new(StringComparer.Ordinal);

    public string Input(string name, OnnxElementType type, params OnnxDim[] dims)
    {
        Claim(name);
        inputs.Add(ValueInfo(name, type, dims));
        return name;
    }

    public void Output(string name, OnnxElementType type, params OnnxDim[] dims) => outputs.Add(ValueInfo(name, type, dims));

    public string Initializer(string name, ReadOnlySpan<long> dims, ReadOnlySpan<float> values)
    {
        CheckCount(dims, values.Length, name);
        var raw = new byte[values.Length * sizeof(float)];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * sizeof(float)), values[i]);
        return AddInitializer(name, dims, OnnxElementType.Float, raw);
    }

    public string Initializer(string name, ReadOnlySpan<long> dims, ReadOnlySpan<long> values)
    {
        CheckCount(dims, values.Length, name);
        var raw = new byte[values.Length * sizeof(long)];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteInt64LittleEndian(raw.AsSpan(i * sizeof(long)), values[i]);
        return AddInitializer(name, dims, OnnxElementType.Int64, raw);
    }

    /// <summary>A float scalar constant (rank 0).</summary>
    public string Scalar(string name, float value) => Initializer(name, [], [value]);

    /// <summary>An int64 vector constant (shapes, axes).</summary>
    public string Longs(string name, params long[] values) => Initializer(name, [values.Length], values);

    /// <summary>Adds a node with one output and returns the output's (generated) name.</summary>
    public string Node(string opType, string[] inputNames, params OnnxAttribute[] attributes) => Node(opType, inputNames, 1, attributes)[0];

    /// <summary>Adds a node with <paramref name="outputCount"/> outputs and returns their (generated) names. "" skips an optional input.</summary>
    public string[] Node(string opType, string[] inputNames, int outputCount, params OnnxAttribute[] attributes)
    {
        var outs = new string[outputCount];
        for (int i = 0; i < outputCount; i++) outs[i] = Fresh(opType);
        NodeNamed(opType, inputNames, outs, attributes);
        return outs;
    }

    /// <summary>Adds a node whose outputs are named by the caller (a graph output, typically).</summary>
    public void NodeNamed(string opType, string[] inputNames, string[] outputNames, params OnnxAttribute[] attributes)
    {
        var w = new ProtoWriter();
        foreach (var i in inputNames) w.String(1, i);
        foreach (var o in outputNames)
        {
            if (!names.Contains(o)) Claim(o);
            w.String(2, o);
        }
        w.String(3, $"{opType}_{nodes.Count}").String(4, opType);
        foreach (var a in attributes) w.Message(5, a.WriteTo);
        nodes.Add(w.ToArray());
        OpCounts[opType] = OpCounts.GetValueOrDefault(opType) + 1;
    }

    /// <summary>The model: IR version 8 (opset 18) or 10 (opset 21 and later), default domain only.</summary>
    public byte[] ToModel(int opset = 18, string producer = "GenerationPlatform", IReadOnlyDictionary<string, string>? metadata = null, string? docString = null)
    {
        if (opset < 7) throw new ArgumentOutOfRangeException(nameof(opset), "opset 7 or later");
        var graph = new ProtoWriter();
        foreach (var n in nodes) graph.Bytes(1, n);
        graph.String(2, GraphName);
        foreach (var t in initializers) graph.Bytes(5, t);
        foreach (var i in inputs) graph.Bytes(11, i);
        foreach (var o in outputs) graph.Bytes(12, o);

        var model = new ProtoWriter();
        model.Int64(1, opset >= 21 ? 10 : 8); // ir_version
        model.String(2, producer);
        if (docString is not null) model.String(6, docString);
        model.Bytes(7, graph.ToArray());
        model.Message(8, w => w.String(1, "").Int64(2, opset));
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
            model.Message(14, w => w.String(1, key).String(2, value));
        return model.ToArray();
    }

    private string AddInitializer(string name, ReadOnlySpan<long> dims, OnnxElementType type, byte[] raw)
    {
        Claim(name);
        var w = new ProtoWriter();
        foreach (var d in dims) w.Int64(1, d);
        w.Int64(2, (long)type).String(8, name).Bytes(9, raw);
        initializers.Add(w.ToArray());
        return name;
    }

    private static void CheckCount(ReadOnlySpan<long> dims, int count, string name)
    {
        long expected = 1;
        foreach (var d in dims) expected *= d;
        if (expected != count) throw new ArgumentException($"initializer '{name}': dims [{string.Join(", ", dims.ToArray())}] hold {expected} values, got {count}");
    }

    private static byte[] ValueInfo(string name, OnnxElementType type, OnnxDim[] dims)
    {
        var w = new ProtoWriter();
        w.String(1, name);
        w.Message(2, typeProto => typeProto.Message(1, tensor =>
        {
            tensor.Int64(1, (long)type);
            tensor.Message(2, shape =>
            {
                foreach (var d in dims)
                    shape.Message(1, dim =>
                    {
                        if (d.Symbol is not null) dim.String(2, d.Symbol);
                        else dim.Int64(1, d.Value);
                    });
            });
        }));
        return w.ToArray();
    }

    private void Claim(string name)
    {
        if (string.IsNullOrEmpty(name)) throw new ArgumentException("value names must not be empty", nameof(name));
        if (!names.Add(name)) throw new ArgumentException($"the value name '{name}' is already taken", nameof(name));
    }

    private string Fresh(string opType)
    {
        string name;
        do name = $"{opType.ToLowerInvariant()}_{counter++}";
        while (names.Contains(name));
        names.Add(name);
        return name;
    }
}
