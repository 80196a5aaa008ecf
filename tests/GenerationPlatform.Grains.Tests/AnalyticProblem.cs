using GenerationPlatform.Diffusion.Sampling;
using GenerationPlatform.Grains;
using GenerationPlatform.Verifiers;
using GenerationPlatform.Verifiers.Core;
using static TorchSharp.torch;

namespace GenerationPlatform.Grains.Tests;

// Adapted from tests/GenerationPlatform.Search.Tests/AnalyticProblem.cs: cheap exact stand-ins for the network and verifiers.

/// <summary>Data of class y is N(y/4, 0.5^2) per pixel; its velocity field is known in closed form. Guidance is ignored.</summary>
public sealed class GaussianField(double sigma = 0.5, TimeSpan? delayPerCall = null) : IVelocityField
{
    private long evaluations, calls;
    public long ModelEvaluations => Interlocked.Read(ref evaluations);
    public long Calls => Interlocked.Read(ref calls);

    public Tensor Evaluate(Tensor x, IReadOnlyList<VelocityQuery> rows)
    {
        if (delayPerCall is { } delay) Thread.Sleep(delay); // a stand-in for a network's cost
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

    public static double ScoreOf(float[] image, double target) => -Math.Abs(image.Average() - target);

    public double[] Score(IReadOnlyList<VerifierInput> batch, CancellationToken cancellationToken = default) =>
        meter.Measure(batch.Count, () => batch.Select(b => ScoreOf(b.Image, target)).ToArray());
}

/// <summary>Models by name: "gauss-*" is the analytic field, "slow-*" the same with a per-call delay; one field per name.</summary>
public sealed class AnalyticFields : IVelocityFieldProvider
{
    public static readonly TimeSpan SlowCall = TimeSpan.FromMilliseconds(5);
    private readonly Dictionary<string, GaussianField> fields = new(StringComparer.Ordinal);

    public IVelocityField Get(string model)
    {
        lock (fields)
        {
            if (fields.TryGetValue(model, out var field)) return field;
            field = model.StartsWith("gauss", StringComparison.Ordinal) ? new GaussianField()
                : model.StartsWith("slow", StringComparison.Ordinal) ? new GaussianField(delayPerCall: SlowCall)
                : throw new UnknownModelException($"unknown model '{model}'");
            return fields[model] = field;
        }
    }
}

/// <summary>Verifiers by name: "mean-target*" prefers an image mean of <see cref="Target"/>.</summary>
public sealed class AnalyticVerifiers : IVerifierProvider
{
    public const double Target = 0.55;

    public IImageVerifier Get(string verifier) =>
        verifier.StartsWith("mean-target", StringComparison.Ordinal) ? new MeanTargetVerifier(Target, verifier)
        : throw new UnknownVerifierException($"unknown verifier '{verifier}'");
}
