using Microsoft.ML.OnnxRuntime;

namespace GenerationPlatform.Onnx.Tests;

public class OnnxWriterTests
{
    /// <summary>y = Gemm(x, W) + b then Sigmoid, with a symbolic batch: written here, read back by OnnxProto and run by ONNX Runtime.</summary>
    private static byte[] SmallModel()
    {
        var g = new OnnxGraphBuilder("small");
        var x = g.Input("x", OnnxElementType.Float, "N", 3);
        var w = g.Initializer("W", [2, 3], [1f, 2f, 3f, -1f, 0.5f, 0f]);
        var b = g.Initializer("b", [2], [0.25f, -0.5f]);
        var z = g.Node("Gemm", [x, w, b], OnnxAttribute.Int("transB", 1), OnnxAttribute.Float("alpha", 1f));
        g.NodeNamed("Sigmoid", [z], ["y"]);
        g.Output("y", OnnxElementType.Float, "N", 2);
        return g.ToModel(18, metadata: new Dictionary<string, string> { ["answer"] = "42" });
    }

    [Fact]
    public void WrittenModelRunsInOnnxRuntimeWithAnyBatch()
    {
        using var session = OnnxSessions.Create(SmallModel(), OnnxDevice.Cpu, threads: 1);
        Assert.Equal(OnnxDevice.Cpu, session.Device);
        Assert.Equal("42", session.Session.ModelMetadata.CustomMetadataMap["answer"]);
        Assert.Equal([-1, 3], session.Session.InputMetadata["x"].Dimensions);
        foreach (int n in new[] { 1, 5 })
        {
            var data = Enumerable.Range(0, n * 3).Select(i => i * 0.1f - 0.3f).ToArray();
            using var input = OrtValue.CreateTensorValueFromMemory(data, [n, 3]);
            using var outputs = session.Session.Run(new RunOptions(), ["x"], [input], ["y"]);
            var y = outputs[0].GetTensorDataAsSpan<float>().ToArray();
            Assert.Equal(n * 2, y.Length);
            for (int i = 0; i < n; i++)
            {
                float z0 = data[3 * i] * 1 + data[3 * i + 1] * 2 + data[3 * i + 2] * 3 + 0.25f;
                float z1 = -data[3 * i] + data[3 * i + 1] * 0.5f - 0.5f;
                Assert.Equal(1 / (1 + MathF.Exp(-z0)), y[2 * i], 5);
                Assert.Equal(1 / (1 + MathF.Exp(-z1)), y[2 * i + 1], 5);
            }
        }
    }

    [Fact]
    public void WrittenModelReadsBackWithOnnxProto()
    {
        var model = SmallModel();
        var graph = OnnxProto.Message(model, OnnxProto.ModelGraph)!.Value;
        Assert.Equal(["Gemm", "Sigmoid"], OnnxProto.Messages(graph, OnnxProto.GraphNode).Select(n => OnnxProto.String(n, OnnxProto.NodeOpType)));
        var weight = OnnxProto.Messages(graph, OnnxProto.GraphInitializer).Single(t => OnnxProto.String(t, OnnxProto.TensorName) == "W");
        Assert.Equal([2L, 3L], OnnxProto.Int64s(weight, OnnxProto.TensorDims));
        Assert.Equal(OnnxProto.TensorFloatType, OnnxProto.Int64(weight, OnnxProto.TensorDataType));
        Assert.Equal(6 * sizeof(float), OnnxProto.Message(weight, OnnxProto.TensorRawData)!.Value.Length);
        var input = OnnxProto.Messages(graph, OnnxProto.GraphInput).Single();
        Assert.Equal("x", OnnxProto.String(input, OnnxProto.ValueInfoName));
        var opset = OnnxProto.Message(model, OnnxProto.ModelOpsetImport)!.Value;
        Assert.Equal(18, OnnxProto.Int64(opset, 2));
    }

    [Fact]
    public void BuilderRefusesDuplicateNamesAndWrongInitializerSizes()
    {
        var g = new OnnxGraphBuilder("bad");
        g.Input("x", OnnxElementType.Float, 1);
        Assert.Throws<ArgumentException>(() => g.Input("x", OnnxElementType.Float, 1));
        Assert.Throws<ArgumentException>(() => g.Initializer("w", [2, 2], [1f, 2f, 3f]));
    }

    [Fact]
    public void GarbageIsAnOnnxFormatException()
    {
        Assert.Throws<OnnxFormatException>(() => OnnxProto.Fields([0x0a, 0x05, 0x01]));
    }
}
