using System.Diagnostics;
using GenerationPlatform.Core.Model;
using GenerationPlatform.Core.Models;
using GenerationPlatform.Diffusion.Model;
using GenerationPlatform.Diffusion.Models;
using static TorchSharp.torch;

namespace GenerationPlatform.Diffusion.Tests.Models;

/// <summary>The simulated backend: a model folder whose calls take t0 + rows x t1 of wall time, computing nothing, with outputs of the right shape.</summary>
public sealed class SimulatedBackendTests : IDisposable
{
    private readonly ModelFolders folders = new();

    public void Dispose() => folders.Dispose();

    private string Folder(string timing)
    {
        var manifest = ModelFolders.ClassManifest("sim", channels: 1, side: 8);
        manifest["backend"] = "simulated";
        manifest["weights"] = "timing.json";
        manifest["forward_flops"] = 1e9;
        var folder = folders.Write("sim" + Guid.NewGuid().ToString("N")[..8], manifest);
        File.WriteAllText(Path.Combine(folder, "timing.json"), timing);
        return folder;
    }

    [Fact]
    public void ACallWaitsItsTimeWithoutComputingAndAnswersZerosOfTheStatesShape()
    {
        var manifest = ModelManifest.Load(Folder("""{"t0_ms": 60, "t1_ms": 10, "source": "given by the test"}"""));
        Assert.Equal(ModelManifest.Simulated, manifest.Backend);
        using var loaded = ModelLoader.Load(manifest, new ModelLoadSettings());
        var network = Assert.IsType<SimulatedVelocityNetwork>(loaded.Network);
        Assert.Equal((60.0, 10.0, "given by the test"), (network.Timing.T0Milliseconds, network.Timing.T1Milliseconds, network.Timing.Source));
        Assert.Equal(1e9, network.ForwardFlops);
        Assert.Equal("simulated", network.Backend);

        using var x = randn(12, 1, 8, 8);
        using var t = full(12, 0.5f);
        using var labels = zeros(12, dtype: ScalarType.Int64);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        using var v = network.Forward(x, t, labels);
        wall.Stop();
        var used = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        // 60 ms + 12 rows x 10 ms = 180 ms of waiting, a small part of it on a core.
        Assert.InRange(wall.Elapsed.TotalMilliseconds, 175, 1000);
        Assert.True(used < wall.Elapsed * 0.5, $"{used.TotalMilliseconds} ms of CPU in {wall.Elapsed.TotalMilliseconds} ms");
        Assert.Equal(x.shape, v.shape);
        Assert.Equal(0f, v.abs().max().item<float>());
    }

    [Fact]
    public void OneCallWaitsAMinuteAtMost()
    {
        var timing = SimulatedTiming.Parse("""{"t0_ms": 10000, "t1_ms": 10000, "source": "x"}""");
        Assert.Equal(TimeSpan.FromMilliseconds(20_000), timing.CallTime(1));
        Assert.Equal(SimulatedTiming.MaxCallTime, timing.CallTime(1024));
    }

    [Theory]
    [InlineData("""{"t0_ms": 1, "source": "x"}""", "weights.t1_ms")]
    [InlineData("""{"t0_ms": -1, "t1_ms": 1, "source": "x"}""", "weights.t0_ms")]
    [InlineData("""{"t0_ms": 1, "t1_ms": 10001, "source": "x"}""", "weights.t1_ms")]
    [InlineData("""{"t0_ms": 1, "t1_ms": "2", "source": "x"}""", "weights.t1_ms")]
    [InlineData("""{"t0_ms": 1, "t1_ms": 1}""", "weights.source")]
    [InlineData("""{"t0_ms": 1, "t1_ms": 1, "source": "x", "gpu": "h100"}""", "weights.gpu")]
    [InlineData("""[1, 2]""", "weights")]
    [InlineData("""{"t0_ms": """, "weights")]
    public void ABadTimingFileIsRefusedNamingTheField(string timing, string field)
    {
        var manifest = ModelManifest.Load(Folder(timing));
        var e = Assert.Throws<ModelLoadException>(() => ModelLoader.Load(manifest, new ModelLoadSettings()));
        Assert.Equal(field, e.Field);
    }

    [Fact]
    public void ASimulatedModelIsAVelocityModel()
    {
        var manifest = ModelFolders.EpsilonManifest();
        manifest["backend"] = "simulated";
        manifest["weights"] = "timing.json";
        var folder = folders.Write("simeps", manifest, "timing.json", "decoder.onnx");
        var e = Assert.Throws<ModelLoadException>(() => ModelManifest.Load(folder));
        Assert.Equal("prediction.kind", e.Field);
    }
}
