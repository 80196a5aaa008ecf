using System.Text;
using GenerationPlatform.Onnx;

namespace GenerationPlatform.Verifiers.ResNet;

/// <summary>
/// Turns an ONNX model exported with a fixed batch of 1 into one that takes any batch, by rewriting
/// the leading dimension of every graph input, output and value_info (initializers excepted) from
/// <c>dim_value: 1</c> to <c>dim_param: "batch"</c>.
/// <para>
/// Declared shapes are only half the story: an operator can pin the batch inside the graph (Reshape
/// to a constant shape such as [1, 512], Expand/Tile to a constant, Gemm after a Flatten whose batch
/// is folded into a constant, ...). We do not patch those; instead the rewrite is accepted only when
/// every operator is one whose output for sample i depends on sample i alone and whose attributes
/// cannot mention the batch size (convolutions, normalization with stored statistics, pointwise
/// activations and arithmetic, pooling). Otherwise the original model is returned with a reason, and
/// the caller runs it one image per call. The CNTK-exported ResNet-18 of ML.NET's
/// DnnImageFeaturizer.ResNet18 package contains only Conv, BatchNormalization, Relu, Add, MaxPool and
/// AveragePool (the 512-d output is the 7x7 average pool, [1, 512, 1, 1]; there is no Flatten or
/// Reshape), so it is batched.
/// </para>
/// </summary>
public static class OnnxBatching
{
    public const string BatchDimName = "batch";

    /// <summary>Operators that act per sample and whose attributes cannot encode a batch size.</summary>
    public static IReadOnlySet<string> PerSampleOps { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "Conv", "BatchNormalization", "InstanceNormalization", "LRN", "Relu", "LeakyRelu", "Sigmoid", "Tanh", "Clip",
        "Add", "Sub", "Mul", "Div", "Sum", "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool",
        "Identity", "Dropout", "Softmax",
    };

    public static OnnxBatchRewrite MakeBatchSymbolic(byte[] model)
    {
        var graph = OnnxProto.Message(model, OnnxProto.ModelGraph) ?? throw new OnnxFormatException("the model has no graph");
        var opTypes = new HashSet<string>(OnnxProto.Messages(graph, OnnxProto.GraphNode)
            .Select(n => OnnxProto.String(n, OnnxProto.NodeOpType) ?? ""), StringComparer.Ordinal);
        // Softmax before opset 13 flattens from `axis` (default 1), which is per sample; still fine.
        var unknown = opTypes.Where(op => !PerSampleOps.Contains(op)).Order(StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
            return new(model, false, 0, $"operators not known to be batch-independent: {string.Join(", ", unknown)}", opTypes);

        var initializers = new HashSet<string>(OnnxProto.Messages(graph, OnnxProto.GraphInitializer)
            .Select(t => OnnxProto.String(t, OnnxProto.TensorName) ?? ""), StringComparer.Ordinal);
        int rewritten = 0;
        string? problem = null;
        var newGraph = OnnxProto.Rewrite(graph, (field, valueInfo) =>
        {
            if (field.Number is not (OnnxProto.GraphInput or OnnxProto.GraphOutput or OnnxProto.GraphValueInfo)) return null;
            var name = OnnxProto.String(valueInfo, OnnxProto.ValueInfoName) ?? "";
            if (initializers.Contains(name)) return null; // IR < 4 lists weights among the inputs; their shapes stay
            var result = RewriteValueInfo(valueInfo, out var why);
            if (why is not null) problem ??= $"'{name}': {why}";
            if (result is not null) rewritten++;
            return result;
        });
        if (problem is not null) return new(model, false, 0, $"cannot make the batch dimension symbolic for {problem}", opTypes);
        var newModel = OnnxProto.Rewrite(model, (field, _) => field.Number == OnnxProto.ModelGraph ? newGraph : null);
        return new(newModel, true, rewritten, null, opTypes);
    }

    /// <summary>
    /// ValueInfoProto -> TypeProto -> Tensor -> TensorShapeProto -> first Dimension: 1 becomes "batch".
    /// Null (and no <paramref name="why"/>) when there is nothing to rewrite: no shape, or already symbolic.
    /// </summary>
    private static byte[]? RewriteValueInfo(ReadOnlyMemory<byte> valueInfo, out string? why)
    {
        string? reason = null;
        bool changed = false, seen = false;
        var result = OnnxProto.Rewrite(valueInfo, (f, type) => f.Number != OnnxProto.ValueInfoType ? null :
            OnnxProto.Rewrite(type, (g, tensorType) => g.Number != OnnxProto.TypeTensorType ? null :
                OnnxProto.Rewrite(tensorType, (h, shape) => h.Number != OnnxProto.TensorTypeShape ? null :
                    OnnxProto.Rewrite(shape, (d, dim) =>
                    {
                        if (d.Number != OnnxProto.ShapeDim || seen) return null;
                        seen = true;
                        if (OnnxProto.String(dim, OnnxProto.DimParam) is not null) return null; // already symbolic
                        var value = OnnxProto.Int64(dim, OnnxProto.DimValue);
                        if (value != 1)
                        {
                            reason = $"its leading dimension is {value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unset"}, not 1";
                            return null;
                        }
                        changed = true;
                        // Keep any other Dimension fields (denotation); drop dim_value, add dim_param.
                        var rest = OnnxProto.Fields(dim.Span).Where(x => x.Number != OnnxProto.DimValue)
                            .SelectMany(x => dim.Slice(x.Start, x.End - x.Start).ToArray());
                        return [.. OnnxProto.LengthDelimited(OnnxProto.DimParam, Encoding.UTF8.GetBytes(BatchDimName)), .. rest];
                    }))));
        why = reason;
        return changed && reason is null ? result : null;
    }
}
