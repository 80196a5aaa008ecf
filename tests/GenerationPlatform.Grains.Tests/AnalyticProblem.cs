using GenerationPlatform.Diffusion.Sampling;
using GenerationPlatform.Verifiers;
using GenerationPlatform.Core.Verifiers;

namespace GenerationPlatform.Grains.Tests;

// GaussianField and MeanTargetVerifier come from tests/GenerationPlatform.Search.Tests/AnalyticProblem.cs (linked).

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
        : verifier.StartsWith("slow-target", StringComparison.Ordinal) ? new SlowVerifier(new MeanTargetVerifier(Target, verifier), TimeSpan.FromMilliseconds(10))
        : verifier.StartsWith("gated-target", StringComparison.Ordinal) ? new GatedVerifier(new MeanTargetVerifier(Target, verifier))
        : throw new UnknownVerifierException($"unknown verifier '{verifier}'");

    /// <summary>Scoring waits for <see cref="Gate"/>: a test holds a verifier's batches back while it fills the queue.</summary>
    public static ManualResetEventSlim Gate { get; } = new(true);

    private sealed class GatedVerifier(IImageVerifier inner) : IImageVerifier
    {
        public string Name => inner.Name;
        public VerifierCost Cost => inner.Cost;
        public double FlopsPerImage => inner.FlopsPerImage;

        public double[] Score(IReadOnlyList<VerifierInput> batch, CancellationToken cancellationToken = default)
        {
            Gate.Wait(TimeSpan.FromSeconds(30), cancellationToken);
            return inner.Score(batch, cancellationToken);
        }
    }

    /// <summary>A verifier that costs a fixed time per call, as a network would: makes queueing visible.</summary>
    private sealed class SlowVerifier(IImageVerifier inner, TimeSpan perCall) : IImageVerifier
    {
        public string Name => inner.Name;
        public VerifierCost Cost => inner.Cost;
        public double FlopsPerImage => inner.FlopsPerImage;

        public double[] Score(IReadOnlyList<VerifierInput> batch, CancellationToken cancellationToken = default)
        {
            Thread.Sleep(perCall);
            return inner.Score(batch, cancellationToken);
        }
    }
}
