using GenerationPlatform.Diffusion.Model;
using GenerationPlatform.Diffusion.Sampling;
using static TorchSharp.torch;
using GenerationPlatform.Core.Sampling;

namespace GenerationPlatform.Diffusion.Tests;

public sealed class GuidanceTests
{
    private static VelocityUNet TinyModel()
    {
        random.manual_seed(11);
        var m = new VelocityUNet(new UNetConfig(BaseChannels: 8, EmbeddingDim: 32, AttentionHeads: 2, Dropout: 0));
        using (no_grad()) foreach (var p in m.parameters()) p.add_(randn_like(p) * 0.05);
        m.eval();
        return m;
    }

    [Fact]
    public void MixedBatchEqualsPerRowGuidance()
    {
        using var model = TinyModel();
        var field = new GuidedVelocityField(model);
        using var x = randn(4, 1, 28, 28);
        var rows = new[] { new VelocityQuery(0.9f, 3, 2f), new VelocityQuery(0.4f, 7, 1f), new VelocityQuery(0.1f, 10, 3f), new VelocityQuery(0.6f, 0, 0f) };
        using var v = field.Evaluate(x, rows);
        // Unconditional branch only for rows 0 and 3 (row 1 has w = 1, row 2 is already the null label).
        Assert.Equal(6, field.ModelEvaluations);
        Assert.Equal(1, field.Calls);
        using var _ = no_grad();
        for (int i = 0; i < rows.Length; i++)
        {
            using var xi = x.narrow(0, i, 1);
            using var t = tensor(new[] { rows[i].T });
            using var vc = model.forward(xi, t, tensor(new long[] { rows[i].Label }));
            using var vu = model.forward(xi, t, tensor(new long[] { 10 }));
            using var expected = rows[i].Guidance == 1f || rows[i].Label == 10 ? vc.clone() : vu + rows[i].Guidance * (vc - vu);
            double diff = (v.narrow(0, i, 1) - expected).abs().max().item<float>();
            Assert.True(diff < 1e-4, $"row {i}: {diff}");
        }
    }

    [Fact]
    public void RejectsLabelsOutsideTheTable()
    {
        using var model = TinyModel();
        var field = new GuidedVelocityField(model);
        using var x = randn(1, 1, 28, 28);
        Assert.Throws<ArgumentOutOfRangeException>(() => field.Evaluate(x, [new VelocityQuery(0.5f, 11, 1f)]));
        Assert.Throws<ArgumentException>(() => field.Evaluate(x, [new VelocityQuery(0.5f, 1, 1f), new VelocityQuery(0.5f, 1, 1f)]));
    }

    [Fact]
    public void ModelSampleIsCloseWhateverTheBatch()
    {
        // Noise is bit-identical by construction; the network's float arithmetic may differ in the last
        // bits between batch sizes (oneDNN picks kernels by shape), so the images agree to a tolerance.
        using var model = TinyModel();
        Trajectory Make(uint i) => new(new TrajectorySpec(new NoiseSeed(21, 0, i), (int)i % 10, 1.5f, SamplerKind.Heun, 6), 784);
        var alone = Make(2);
        new TrajectorySampler(new GuidedVelocityField(model)).Run([alone]);
        var crowd = Enumerable.Range(0, 7).Select(i => Make((uint)i)).ToArray();
        new TrajectorySampler(new GuidedVelocityField(model)).Run(crowd);
        double diff = alone.State.ToArray().Zip(crowd[2].State.ToArray()).Max(p => Math.Abs(p.First - p.Second));
        Assert.True(diff < 1e-4, $"max difference {diff}");
    }
}
