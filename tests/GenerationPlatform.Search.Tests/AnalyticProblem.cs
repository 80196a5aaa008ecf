using GenerationPlatform.Diffusion.Sampling;
using static TorchSharp.torch;
using GenerationPlatform.Core.Verifiers;

namespace GenerationPlatform.Search.Tests;

/// <summary>
/// A cheap exact problem: data of class y is N(y/4, 0.5^2) per pixel, whose velocity field is known
/// in closed form; guidance is ignored. Counting every evaluation lets tests check NFE independently.
/// Shared with the grain tests (linked into their project). An optional delay per call stands in
/// for a network's cost.
/// </summary>
public sealed class GaussianField(double sigma = 0.5, TimeSpan? delayPerCall = null) : IVelocityField
{
    public GenerationPlatform.Core.Model.ImageShape Shape => new(1, 28, 28);
    public GenerationPlatform.Core.Model.Conditioning Conditioning { get; } = GenerationPlatform.Diffusion.Data.FashionMnist.Conditioning;
    private long evaluations, calls;
    public long ModelEvaluations => Interlocked.Read(ref evaluations);
    public long Calls => Interlocked.Read(ref calls);

    public Tensor Evaluate(Tensor x, IReadOnlyList<VelocityQuery> rows)
    {
        if (delayPerCall is { } delay) Thread.Sleep(delay);
        Interlocked.Increment(ref calls);
        Interlocked.Add(ref evaluations, rows.Count);
        var data = x.data<float>().ToArray();
        int n = data.Length / rows.Count;
        var v = new float[data.Length];
        for (int r = 0; r < rows.Count; r++)
        {
            double t = rows[r].T, mu = rows[r].Label / 4.0, s2 = sigma * sigma;
            double k = (t - (1 - t) * s2) / ((1 - t) * (1 - t) * s2 + t * t);
            for (int i = 0; i < n; i++) v[r * n + i] = (float)(k * (data[r * n + i] - (1 - t) * mu) - mu);
        }
        return tensor(v, x.shape);
    }
}

/// <summary>Prefers images whose mean pixel is close to a target: higher is better, 0 is perfect.</summary>
public sealed class MeanTargetVerifier(double target, string name = "mean-target") : IImageVerifier
{
    private readonly VerifierCostMeter meter = new();
    public string Name => name;
    public VerifierCost Cost => meter.Snapshot;

    /// <summary>A 28x28 image's mean and its distance from the target, about one operation per pixel, twice.</summary>
    public const double Flops = 2 * 784;

    public double FlopsPerImage => Flops;

    public static double ScoreOf(float[] image, double target) => -Math.Abs(image.Average() - target);

    public double[] Score(IReadOnlyList<VerifierInput> batch, CancellationToken cancellationToken = default) =>
        meter.Measure(batch.Count, () => batch.Select(b => ScoreOf(b.Image, target)).ToArray());
}

/// <summary>Prefers bright top halves; a second opinion for ensembles.</summary>
public sealed class TopHalfVerifier : IImageVerifier
{
    private readonly VerifierCostMeter meter = new();
    public string Name => "top-half";
    public VerifierCost Cost => meter.Snapshot;

    public double[] Score(IReadOnlyList<VerifierInput> batch, CancellationToken cancellationToken = default) =>
        meter.Measure(batch.Count, () => batch.Select(b => (double)b.Image.Take(392).Average()).ToArray());
}

/// <summary>
/// <see cref="MeanTargetVerifier"/>'s score with a "noise-aware head" (it ranks x0-predictions the same way) that records the
/// time of every input it scores, for the tests of noise-aware ranking.
/// </summary>
public sealed class TimeRecordingVerifier(double target) : IImageVerifier
{
    private readonly VerifierCostMeter meter = new();
    public List<float> Times { get; } = [];
    public string Name => "mean-target";
    public bool RanksNoisyInputs => true;
    public VerifierCost Cost => meter.Snapshot;

    public double[] Score(IReadOnlyList<VerifierInput> batch, CancellationToken cancellationToken = default)
    {
        lock (Times) Times.AddRange(batch.Select(b => b.Time));
        return meter.Measure(batch.Count, () => batch.Select(b => MeanTargetVerifier.ScoreOf(b.Image, target)).ToArray());
    }
}
