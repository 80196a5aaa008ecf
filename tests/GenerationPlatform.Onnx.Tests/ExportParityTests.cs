using GenerationPlatform.Diffusion.Model;
using GenerationPlatform.Diffusion.Onnx;
using GenerationPlatform.Testing;
using Xunit.Abstractions;
using static TorchSharp.torch;
using GenerationPlatform.Core.Model;

namespace GenerationPlatform.Onnx.Tests;

/// <summary>The ONNX export against TorchSharp: the velocity of the same inputs, within 1e-4 (issue "Models as data", Targets).</summary>
public class ExportParityTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-4;

    /// <summary>Max |v_torch - v_onnx| over <paramref name="n"/> random rows: x ~ N(0, 1), t uniform with both ends, every label including the null label.</summary>
    private double MaxDifference(VelocityUNet net, int n, int seed, string what)
    {
        var config = net.Config;
        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)seed);
        var x = randn([n, config.ImageChannels, config.Height, config.Width], generator: generator);
        var t = rand([n], generator: generator);
        t[0] = tensor(0f);
        t[n - 1] = tensor(1f);
        var condition = config.IsText
            ? randn([n, config.TextEmbedding], generator: generator)
            : tensor(Enumerable.Range(0, n).Select(i => (long)(i % (config.Classes + 1))).ToArray());
        if (config.IsText) condition[1] = zeros(config.TextEmbedding); // the null condition
        Tensor expected;
        using (no_grad()) expected = net.forward(x, t, condition);
        var bytes = OnnxExporter.Export(net);
        using var onnx = new OnnxVelocityNetwork(bytes, config.Shape, Conditioning(config), TestDevice.Settings);
        Assert.Equal(TestDevice.Device == GenerationPlatform.Onnx.OnnxDevice.Cuda ? "cuda" : "cpu", onnx.Device);
        var actual = onnx.Forward(x, t, condition);
        Assert.Equal(expected.shape, actual.shape);
        double diff = (expected - actual).abs().max().item<float>();
        double scale = expected.abs().max().item<float>();
        output.WriteLine($"{what}: {n} rows on {onnx.Device}, max |v| {scale:G4}, max abs difference {diff:E3} ({bytes.Length:N0} bytes of ONNX)");
        Assert.True(scale > 1e-3, $"{what}: the velocities are all near zero ({scale}); the comparison would prove nothing");
        return diff;
    }

    private static Conditioning Conditioning(UNetConfig config) => config.IsText
        ? GenerationPlatform.Core.Model.Conditioning.ForText("test-encoder", config.TextEmbedding)
        : GenerationPlatform.Core.Model.Conditioning.ForClasses(Enumerable.Range(0, config.Classes).Select(i => $"class {i}").ToArray());

    [Fact]
    public void ShippedNetworkMatchesWithin1e4On64Inputs()
    {
        using var net = VelocityModelFile.Load();
        double diff = MaxDifference(net, 64, 7, "shipped network");
        Assert.True(diff <= Tolerance, $"max abs difference {diff:E3} > {Tolerance}");
    }

    [Fact]
    public void TinyRgbClassModelMatches()
    {
        using var net = TinyModels.Rgb();
        double diff = MaxDifference(net, 16, 8, "tiny RGB 3x16x16 class model");
        Assert.True(diff <= Tolerance, $"max abs difference {diff:E3} > {Tolerance}");
    }

    [Fact]
    public void TinyTextModelMatches()
    {
        using var net = TinyModels.Text();
        double diff = MaxDifference(net, 16, 9, "tiny text model (1x12x16, 12-d embeddings, one group)");
        Assert.True(diff <= Tolerance, $"max abs difference {diff:E3} > {Tolerance}");
    }

    [Fact]
    public void BatchesOfAnySizeMatchOneRowAtATime()
    {
        using var net = TinyModels.Rgb(side: 8, classes: 2, seed: 4);
        using var onnx = new OnnxVelocityNetwork(OnnxExporter.Export(net), net.Config.Shape, Conditioning(net.Config), TestDevice.Settings);
        using var scope = NewDisposeScope();
        using var generator = new Generator(5);
        var x = randn([5, 3, 8, 8], generator: generator);
        var t = rand([5], generator: generator);
        var y = tensor(new long[] { 0, 1, 2, 1, 0 });
        var batch = onnx.Forward(x, t, y);
        // Shrinking and growing the batch re-binds the buffers; each row must not depend on the others.
        for (int i = 0; i < 5; i++)
        {
            var row = onnx.Forward(x[i..(i + 1)], t[i..(i + 1)], y[i..(i + 1)]);
            Assert.True((row - batch[i..(i + 1)]).abs().max().item<float>() < 1e-5);
        }
        var again = onnx.Forward(x, t, y.to_type(ScalarType.Int32)); // converted to int64
        Assert.True((again - batch).abs().max().item<float>() < 1e-6);
    }

    [Fact]
    public async Task ConcurrentCallersTakeTurnsAndEachGetsItsOwnRows()
    {
        using var net = TinyModels.Rgb(side: 8, classes: 2, seed: 6);
        using var onnx = new OnnxVelocityNetwork(OnnxExporter.Export(net), net.Config.Shape, Conditioning(net.Config), TestDevice.Settings);
        var inputs = Enumerable.Range(1, 6).Select(n =>
        {
            using var generator = new Generator((ulong)n);
            return (X: randn([n, 3, 8, 8], generator: generator), T: rand([n], generator: generator), Y: tensor(Enumerable.Range(0, n).Select(i => (long)(i % 3)).ToArray()));
        }).ToList();
        var expected = inputs.Select(i => onnx.Forward(i.X, i.T, i.Y)).ToList();
        // Batch sizes 1..6 at once, several times: the buffers are re-bound between callers under the lock.
        var results = await Task.WhenAll(Enumerable.Range(0, 24).Select(k => Task.Run(() => (k % 6, onnx.Forward(inputs[k % 6].X, inputs[k % 6].T, inputs[k % 6].Y)))));
        foreach (var (index, v) in results)
            Assert.True((v - expected[index]).abs().max().item<float>() < 1e-6, $"batch of {index + 1} changed under concurrency");
    }

    [Fact]
    public void ExportRecordsTheForwardFlopsAndWritesFiles()
    {
        using var net = TinyModels.Rgb();
        var folder = Directory.CreateTempSubdirectory("genplat-onnx-").FullName;
        try
        {
            var path = TinyModels.WriteRgb(folder);
            using var onnx = new OnnxVelocityNetwork(path, net.Config.Shape, Conditioning(net.Config));
            Assert.Equal(net.ForwardFlops(), onnx.ForwardFlops, 6);
            Assert.Equal("onnx", onnx.Backend);
            Assert.True(File.Exists(Path.Combine(folder, "velocity.safetensors")));
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }
}
