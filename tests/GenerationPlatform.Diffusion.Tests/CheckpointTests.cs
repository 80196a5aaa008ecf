using GenerationPlatform.Diffusion.Checkpoints;
using GenerationPlatform.Diffusion.Model;
using static TorchSharp.torch;

namespace GenerationPlatform.Diffusion.Tests;

public sealed class CheckpointTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("ckpt-tests-").FullName;
    private static readonly UNetConfig Tiny = new(BaseChannels: 8, Multipliers: [1, 2, 2], EmbeddingDim: 32, AttentionHeads: 2, Dropout: 0);

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static Tensor Output(VelocityUNet m)
    {
        random.manual_seed(3);
        using var x = randn(2, 1, 28, 28);
        using var t = tensor(new[] { 0.3f, 0.9f });
        using var y = tensor(new long[] { 1, 10 });
        using var _ = no_grad();
        return m.forward(x, t, y);
    }

    private static void Perturb(VelocityUNet m)
    {
        // Fresh modules start with zeroed output layers; give every parameter a value so the round trip is meaningful.
        using var _ = no_grad();
        foreach (var p in m.parameters()) p.add_(randn_like(p) * 0.05);
    }

    [Theory]
    [InlineData(false, 0.0)]
    [InlineData(true, 2e-2)]
    public void RoundTripReproducesTheModel(bool half, double tolerance)
    {
        using var a = new VelocityUNet(Tiny);
        Perturb(a);
        a.eval();
        var path = Path.Combine(dir, "m.safetensors");
        SafeTensors.SaveModule(path, a, VelocityModelFile.Metadata(Tiny, "test"), half);
        using var b = VelocityModelFile.Load(path);
        using var ya = Output(a);
        using var yb = Output(b);
        Assert.True(ya.abs().max().item<float>() > 0);
        Assert.True((ya - yb).abs().max().item<float>() <= tolerance);
        Assert.Equal(Tiny.BaseChannels, b.Config.BaseChannels);
    }

    [Fact]
    public void FileIsValidSafetensors()
    {
        using var a = new VelocityUNet(Tiny);
        var path = Path.Combine(dir, "m.safetensors");
        SafeTensors.SaveModule(path, a, new Dictionary<string, string> { ["k"] = "v" });
        var bytes = File.ReadAllBytes(path);
        long headerLen = BitConverter.ToInt64(bytes, 0);
        Assert.Equal(0, headerLen % 8);
        var header = System.Text.Json.JsonDocument.Parse(bytes.AsMemory(8, (int)headerLen));
        Assert.Equal("v", header.RootElement.GetProperty("__metadata__").GetProperty("k").GetString());
        long end = header.RootElement.EnumerateObject().Where(p => p.Name != "__metadata__")
            .Max(p => p.Value.GetProperty("data_offsets")[1].GetInt64());
        Assert.Equal(bytes.Length, 8 + headerLen + end);
    }

    [Fact]
    public void MismatchedArchitectureIsRejectedWithNames()
    {
        using var a = new VelocityUNet(Tiny);
        var path = Path.Combine(dir, "m.safetensors");
        SafeTensors.SaveModule(path, a);
        using var other = new VelocityUNet(Tiny with { BaseChannels = 16 });
        var e = Assert.Throws<CheckpointException>(() => SafeTensors.LoadModule(path, other));
        Assert.Contains("shape", e.Message);
    }

    [Fact]
    public void TruncatedFileIsRejected()
    {
        using var a = new VelocityUNet(Tiny);
        var path = Path.Combine(dir, "m.safetensors");
        SafeTensors.SaveModule(path, a);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 100)]);
        Assert.Throws<CheckpointException>(() => SafeTensors.LoadModule(path, a));
        File.WriteAllBytes(path, [1, 2, 3]);
        Assert.Throws<CheckpointException>(() => SafeTensors.Load(path));
        Assert.Contains("not found", Assert.Throws<CheckpointException>(() => SafeTensors.Load(Path.Combine(dir, "none"))).Message);
    }
}
