using GenerationPlatform.Diffusion.Model;
using static TorchSharp.torch;

namespace GenerationPlatform.Diffusion.Tests;

public sealed class VelocityUNetTests
{
    [Theory]
    [InlineData(16, 16)]
    [InlineData(16, 32)]
    public void ResBlockIsFinite(int cin, int cout)
    {
        using var block = new ResBlock(cin, cout, 32, 0.0);
        using var x = randn(2, cin, 7, 7);
        using var e = randn(2, 32);
        using var y = block.forward(x, e);
        Assert.True(y.isfinite().all().item<bool>());
    }

    [Fact]
    public void AttentionIsFinite()
    {
        using var block = new AttentionBlock(32, 4);
        using var x = randn(2, 32, 7, 7);
        using var y = block.forward(x);
        Assert.True(y.isfinite().all().item<bool>());
    }

    [Fact]
    public void ForwardIsFiniteAndShaped()
    {
        using var model = new VelocityUNet(new UNetConfig(BaseChannels: 16, Multipliers: [1, 2, 2]));
        using var x = randn(3, 1, 28, 28);
        using var t = rand(3);
        using var y = tensor(new long[] { 0, 5, 10 });
        using var v = model.forward(x, t, y);
        Assert.Equal(new long[] { 3, 1, 28, 28 }, v.shape);
        Assert.True(v.isfinite().all().item<bool>());
    }

    [Fact]
    public void EveryParameterStartsFinite()
    {
        // Guards against TorchSharp modules that leave parameters uninitialized (GroupNorm in 0.107).
        using var model = new VelocityUNet(UNetConfig.Default);
        foreach (var (name, p) in model.named_parameters())
            Assert.True(p.isfinite().all().item<bool>(), name);
    }
}
