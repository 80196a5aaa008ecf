using System.Buffers;
using System.Text;

namespace GenerationPlatform.Onnx;

/// <summary>
/// The few protobuf wire-format operations needed to read and patch ONNX models (onnx.proto3): list
/// the fields of a message, and re-emit a message with some length-delimited fields replaced while
/// every other field is copied byte for byte. No generated code, no schema: callers name field numbers.
/// </summary>
public static class OnnxProto
{
    // onnx.proto3 field numbers used in this project.
    public const int ModelGraph = 7, ModelOpsetImport = 8, ModelProducerName = 2;
    public const int GraphNode = 1, GraphName = 2, GraphInitializer = 5, GraphInput = 11, GraphOutput = 12, GraphValueInfo = 13;
    public const int NodeInput = 1, NodeOutput = 2, NodeOpType = 4, NodeAttribute = 5;
    public const int AttributeName = 1, AttributeInt = 3, AttributeInts = 8;
    public const int TensorDims = 1, TensorDataType = 2, TensorFloatData = 4, TensorName = 8, TensorRawData = 9;
    public const int TensorFloatType = 1;
    public const int ValueInfoName = 1, ValueInfoType = 2;
    public const int TypeTensorType = 1, TensorTypeElemType = 1, TensorTypeShape = 2;
    public const int ShapeDim = 1, DimValue = 1, DimParam = 2;

    public static List<ProtoField> Fields(ReadOnlySpan<byte> message)
    {
        var fields = new List<ProtoField>();
        int pos = 0;
        while (pos < message.Length)
        {
            int start = pos;
            ulong key = ReadVarint(message, ref pos);
            int number = checked((int)(key >> 3)), wire = (int)(key & 7);
            if (number == 0) throw new OnnxFormatException($"field number 0 at byte {start}");
            ulong value = 0;
            int payload;
            switch (wire)
            {
                case ProtoField.VarintType:
                    payload = pos;
                    value = ReadVarint(message, ref pos);
                    break;
                case ProtoField.Fixed64Type: payload = pos; pos += 8; break;
                case ProtoField.Fixed32Type: payload = pos; pos += 4; break;
                case ProtoField.LengthDelimitedType:
                    ulong length = ReadVarint(message, ref pos);
                    if (length > (ulong)(message.Length - pos))
                        throw new OnnxFormatException($"field {number} at byte {start} claims {length} bytes, only {message.Length - pos} remain");
                    payload = pos;
                    pos += (int)length;
                    break;
                default: throw new OnnxFormatException($"unsupported protobuf wire type {wire} (field {number}) at byte {start}");
            }
            if (pos > message.Length) throw new OnnxFormatException($"field {number} at byte {start} runs past the end of its message");
            fields.Add(new ProtoField(number, wire, start, pos, payload, value));
        }
        return fields;
    }

    /// <summary>Payloads of the length-delimited fields with this number, in order.</summary>
    public static IEnumerable<ReadOnlyMemory<byte>> Messages(ReadOnlyMemory<byte> message, int number) =>
        Fields(message.Span).Where(f => f.Number == number && f.WireType == ProtoField.LengthDelimitedType)
            .Select(f => message.Slice(f.PayloadStart, f.PayloadLength)).ToList();

    public static ReadOnlyMemory<byte>? Message(ReadOnlyMemory<byte> message, int number) =>
        Messages(message, number).Select(m => (ReadOnlyMemory<byte>?)m).LastOrDefault();

    public static string? String(ReadOnlyMemory<byte> message, int number) =>
        Message(message, number) is { } m ? Encoding.UTF8.GetString(m.Span) : null;

    public static IEnumerable<string> Strings(ReadOnlyMemory<byte> message, int number) =>
        Messages(message, number).Select(m => Encoding.UTF8.GetString(m.Span));

    /// <summary>Values of a repeated int64 field, packed or not.</summary>
    public static List<long> Int64s(ReadOnlyMemory<byte> message, int number)
    {
        var values = new List<long>();
        foreach (var f in Fields(message.Span).Where(f => f.Number == number))
        {
            if (f.WireType == ProtoField.VarintType) values.Add((long)f.Varint);
            else if (f.WireType == ProtoField.LengthDelimitedType)
            {
                var packed = message.Span.Slice(f.PayloadStart, f.PayloadLength);
                int p = 0;
                while (p < packed.Length) values.Add((long)ReadVarint(packed, ref p));
            }
        }
        return values;
    }

    public static long? Int64(ReadOnlyMemory<byte> message, int number) =>
        Fields(message.Span).Where(f => f.Number == number && f.WireType == ProtoField.VarintType).Select(f => (long?)(long)f.Varint).LastOrDefault();

    /// <summary>
    /// Copies <paramref name="message"/>, replacing the payload of each length-delimited field for which
    /// <paramref name="replace"/> returns bytes (the field keeps its number and position).
    /// </summary>
    public static byte[] Rewrite(ReadOnlyMemory<byte> message, Func<ProtoField, ReadOnlyMemory<byte>, byte[]?> replace)
    {
        var output = new ArrayBufferWriter<byte>(message.Length + 256);
        foreach (var field in Fields(message.Span))
        {
            var replacement = field.WireType == ProtoField.LengthDelimitedType
                ? replace(field, message.Slice(field.PayloadStart, field.PayloadLength))
                : null;
            if (replacement is null)
            {
                output.Write(message.Span[field.Start..field.End]);
                continue;
            }
            WriteVarint(output, ((ulong)field.Number << 3) | ProtoField.LengthDelimitedType);
            WriteVarint(output, (ulong)replacement.Length);
            output.Write(replacement);
        }
        return output.WrittenSpan.ToArray();
    }

    /// <summary>A length-delimited field (tag, length, payload) as bytes.</summary>
    public static byte[] LengthDelimited(int number, ReadOnlySpan<byte> payload)
    {
        var output = new ArrayBufferWriter<byte>(payload.Length + 8);
        WriteVarint(output, ((ulong)number << 3) | ProtoField.LengthDelimitedType);
        WriteVarint(output, (ulong)payload.Length);
        output.Write(payload);
        return output.WrittenSpan.ToArray();
    }

    public static ulong ReadVarint(ReadOnlySpan<byte> data, ref int pos)
    {
        ulong result = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (pos >= data.Length) throw new OnnxFormatException("truncated varint");
            byte b = data[pos++];
            result |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80) return result;
        }
        throw new OnnxFormatException("varint longer than 10 bytes");
    }

    public static void WriteVarint(IBufferWriter<byte> output, ulong value)
    {
        Span<byte> buffer = stackalloc byte[10];
        int n = 0;
        while (value >= 0x80)
        {
            buffer[n++] = (byte)(value | 0x80);
            value >>= 7;
        }
        buffer[n++] = (byte)value;
        output.Write(buffer[..n]);
    }
}
