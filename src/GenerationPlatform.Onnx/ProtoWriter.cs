using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace GenerationPlatform.Onnx;

/// <summary>Appends protobuf fields (wire format) to a growing buffer; nested messages are written to their own writer first.</summary>
public sealed class ProtoWriter
{
    private readonly ArrayBufferWriter<byte> buffer = new(256);

    public int Length => buffer.WrittenCount;

    public ProtoWriter Int64(int number, long value)
    {
        Key(number, ProtoField.VarintType);
        OnnxProto.WriteVarint(buffer, (ulong)value);
        return this;
    }

    public ProtoWriter Float(int number, float value)
    {
        Key(number, ProtoField.Fixed32Type);
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(bytes, value);
        buffer.Write(bytes);
        return this;
    }

    public ProtoWriter Bytes(int number, ReadOnlySpan<byte> payload)
    {
        Key(number, ProtoField.LengthDelimitedType);
        OnnxProto.WriteVarint(buffer, (ulong)payload.Length);
        buffer.Write(payload);
        return this;
    }

    public ProtoWriter String(int number, string value) => Bytes(number, Encoding.UTF8.GetBytes(value));

    public ProtoWriter Message(int number, Action<ProtoWriter> fill)
    {
        var inner = new ProtoWriter();
        fill(inner);
        return Bytes(number, inner.buffer.WrittenSpan);
    }

    public byte[] ToArray() => buffer.WrittenSpan.ToArray();

    private void Key(int number, int wireType) => OnnxProto.WriteVarint(buffer, ((ulong)number << 3) | (uint)wireType);
}
