namespace GenerationPlatform.Onnx.Tests;

public class OnnxSessionsTests
{
    private static byte[] Identity()
    {
        var g = new OnnxGraphBuilder("identity");
        g.Input("x", OnnxElementType.Float, "N");
        g.NodeNamed("Identity", ["x"], ["y"]);
        g.Output("y", OnnxElementType.Float, "N");
        return g.ToModel();
    }

    [Theory]
    [InlineData("cpu", OnnxDevice.Cpu)]
    [InlineData("CUDA", OnnxDevice.Cuda)]
    [InlineData(" auto ", OnnxDevice.Auto)]
    [InlineData(null, OnnxDevice.Auto)]
    public void ParsesDevices(string? text, OnnxDevice expected) => Assert.Equal(expected, OnnxSessions.ParseDevice(text));

    [Fact]
    public void UnknownDeviceIsRefused() => Assert.Throws<ArgumentException>(() => OnnxSessions.ParseDevice("tpu"));

    [Fact]
    public void CpuSessionRunsOnTheCpu()
    {
        using var session = OnnxSessions.Create(Identity(), new OnnxSessionSettings(OnnxDevice.Cpu, IntraOpThreads: 1));
        Assert.Equal("cpu", session.DeviceName);
        Assert.Null(session.FallbackReason);
    }

    /// <summary>Without a usable CUDA provider (the CPU build, or a GPU build on a machine without a GPU or CUDA 12), cuda fails clearly and auto falls back, saying why.</summary>
    [Fact]
    public void WithoutACudaProviderCudaFailsAndAutoFallsBack()
    {
        OnnxSession? auto = null;
        try
        {
            auto = OnnxSessions.Create(Identity(), OnnxDevice.Auto);
            if (auto.Device == OnnxDevice.Cuda) return; // a GPU machine with a working provider: nothing to check here
            Assert.Equal(OnnxDevice.Cpu, auto.Device);
            Assert.False(string.IsNullOrWhiteSpace(auto.FallbackReason));
            var e = Assert.Throws<OnnxDeviceException>(() => OnnxSessions.Create(Identity(), OnnxDevice.Cuda));
            Assert.Contains("cuda", e.Message, StringComparison.OrdinalIgnoreCase);
            if (!OnnxSessions.CudaBuild) Assert.Contains("GenPlatAccelerator=cuda", e.Message);
        }
        finally
        {
            auto?.Dispose();
        }
    }
}
