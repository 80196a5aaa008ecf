using System.Buffers;
using System.Text;

namespace GenerationPlatform.Verifiers.Tests;

/// <summary>
/// Writes small ONNX models (onnx.proto3 wire format, written here field by field) whose outputs the
/// tests compute independently in C#. Dimensions: a positive value is fixed, 0 means symbolic ("N").
/// </summary>
internal static class TestOnnxModels
{
    public const int Float = 1, Int64 = 7;

    /// <summary>input [N, channels, side, side] -> Flatten -> MatMul(W [channels*side*side, classes]) -> Add(bias) -> output [N, classes].</summary>
    public static byte[] Linear(float[] weights, float[] bias, int channels = 1, int side = 28, int batch = 0, string input = "image", string output = "logits")
    {
        int d = channels * side * side, classes = bias.Length;
        if (weights.Length != d * classes) throw new ArgumentException("weights must be [d, classes]");
        var graph = new Proto()
            .Message(1, Node("Flatten", [input], ["flat"], new Proto().String(1, "axis").Varint(3, 1).Varint(20, 2)))
            .Message(1, Node("MatMul", ["flat", "W"], ["z"]))
            .Message(1, Node("Add", ["z", "b"], [output]))
            .String(2, "linear")
            .Message(5, FloatTensor("W", [d, classes], weights))
            .Message(5, FloatTensor("b", [classes], bias))
            .Message(11, ValueInfo(input, Float, [batch, channels, side, side]))
            .Message(12, ValueInfo(output, Float, [batch, classes]));
        return Model(graph);
    }

    /// <summary>
    /// inputs image [N, 1, 28, 28] and label int64 [N]: score[n] = sum_j (x_n W)_j * T[label_n, j], output [N].
    /// </summary>
    public static byte[] Conditional(float[] weights, float[] table, int classes = 10, string input = "image", string label = "label", string output = "score")
    {
        const int d = 28 * 28;
        var graph = new Proto()
            .Message(1, Node("Flatten", [input], ["flat"], new Proto().String(1, "axis").Varint(3, 1).Varint(20, 2)))
            .Message(1, Node("MatMul", ["flat", "W"], ["z"]))
            .Message(1, Node("Gather", ["T", label], ["row"], new Proto().String(1, "axis").Varint(3, 0).Varint(20, 2)))
            .Message(1, Node("Mul", ["z", "row"], ["prod"]))
            .Message(1, Node("ReduceSum", ["prod", "axes"], [output], new Proto().String(1, "keepdims").Varint(3, 0).Varint(20, 2)))
            .String(2, "conditional")
            .Message(5, FloatTensor("W", [d, classes], weights))
            .Message(5, FloatTensor("T", [classes, classes], table))
            .Message(5, Int64Tensor("axes", [1], [1]))
            .Message(11, ValueInfo(input, Float, [0, 1, 28, 28]))
            .Message(11, ValueInfo(label, Int64, [0]))
            .Message(12, ValueInfo(output, Float, [0]));
        return Model(graph);
    }

    private static Proto Model(Proto graph) =>
        new Proto().Varint(1, 8).String(2, "GenerationPlatform.Verifiers.Tests")
            .Message(7, graph)
            .Message(8, new Proto().String(1, "").Varint(2, 13));

    private static Proto Node(string op, string[] inputs, string[] outputs, params Proto[] attributes)
    {
        var node = new Proto();
        foreach (var i in inputs) node.String(1, i);
        foreach (var o in outputs) node.String(2, o);
        node.String(3, op + "_" + outputs[0]).String(4, op);
        foreach (var a in attributes) node.Message(5, a);
        return node;
    }

    private static Proto FloatTensor(string name, long[] dims, float[] values)
    {
        var t = new Proto();
        foreach (var d in dims) t.Varint(1, (ulong)d);
        var raw = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++) System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * 4), values[i]);
        return t.Varint(2, Float).String(8, name).Bytes(9, raw);
    }

    private static Proto Int64Tensor(string name, long[] dims, long[] values)
    {
        var t = new Proto();
        foreach (var d in dims) t.Varint(1, (ulong)d);
        var raw = new byte[values.Length * 8];
        for (int i = 0; i < values.Length; i++) System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(raw.AsSpan(i * 8), values[i]);
        return t.Varint(2, Int64).String(8, name).Bytes(9, raw);
    }

    private static Proto ValueInfo(string name, int elemType, int[] dims)
    {
        var shape = new Proto();
        foreach (var d in dims) shape.Message(1, d > 0 ? new Proto().Varint(1, (ulong)d) : new Proto().String(2, "N"));
        var tensorType = new Proto().Varint(1, (ulong)elemType).Message(2, shape);
        return new Proto().String(1, name).Message(2, new Proto().Message(1, tensorType));
    }

    /// <summary>A protobuf message under construction.</summary>
    private sealed class Proto
    {
        private readonly ArrayBufferWriter<byte> buffer = new();

        public Proto Varint(int field, ulong value)
        {
            Key(field, 0);
            Raw(value);
            return this;
        }

        public Proto Bytes(int field, ReadOnlySpan<byte> payload)
        {
            Key(field, 2);
            Raw((ulong)payload.Length);
            buffer.Write(payload);
            return this;
        }

        public Proto String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));
        public Proto Message(int field, Proto message) => Bytes(field, message.buffer.WrittenSpan);

        private void Key(int field, int wire) => Raw(((ulong)field << 3) | (uint)wire);

        private void Raw(ulong value)
        {
            while (value >= 0x80)
            {
                buffer.Write([(byte)(value | 0x80)]);
                value >>= 7;
            }
            buffer.Write([(byte)value]);
        }

        public static implicit operator byte[](Proto p) => p.buffer.WrittenSpan.ToArray();
    }
}
