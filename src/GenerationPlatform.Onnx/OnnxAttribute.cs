namespace GenerationPlatform.Onnx;

/// <summary>A node attribute (onnx.proto3 AttributeProto).</summary>
public sealed class OnnxAttribute
{
    private readonly Action<ProtoWriter> write;

    private OnnxAttribute(string name, Action<ProtoWriter> write)
    {
        Name = name;
        this.write = write;
    }

    public string Name { get; }

    // AttributeProto.AttributeType
    private const int FloatType = 1, IntType = 2, StringType = 3, FloatsType = 6, IntsType = 7;

    public static OnnxAttribute Int(string name, long value) => new(name, w => w.Int64(3, value).Int64(20, IntType));

    public static OnnxAttribute Float(string name, float value) => new(name, w => w.Float(2, value).Int64(20, FloatType));

    public static OnnxAttribute String(string name, string value) => new(name, w => w.String(4, value).Int64(20, StringType));

    public static OnnxAttribute Ints(string name, params long[] values) => new(name, w =>
    {
        foreach (var v in values) w.Int64(8, v);
        w.Int64(20, IntsType);
    });

    public static OnnxAttribute Floats(string name, params float[] values) => new(name, w =>
    {
        foreach (var v in values) w.Float(7, v);
        w.Int64(20, FloatsType);
    });

    internal void WriteTo(ProtoWriter writer)
    {
        writer.String(1, Name);
        write(writer);
    }
}
