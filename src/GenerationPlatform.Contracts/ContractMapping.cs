using GenerationPlatform.Search.Jobs;
using GenerationPlatform.Search;
using GenerationPlatform.Core.Model;
using GenerationPlatform.Core.Sampling;
using GenerationPlatform.Core.Verifiers;

namespace GenerationPlatform.Contracts;

/// <summary>Between the science's types and their wire forms: every conversion at this one border, lossless both ways.</summary>
public static class ContractMapping
{
    public static CandidateSeed ToContract(this NoiseSeed seed) => new(seed.Seed, seed.Round, seed.Candidate);

    public static NoiseSeed ToNoiseSeed(this CandidateSeed seed) => new(seed.Seed, seed.Round, seed.Candidate);

    public static SamplerKind ToSamplerKind(this Sampler sampler) => sampler switch
    {
        Sampler.Euler => SamplerKind.Euler,
        Sampler.Heun => SamplerKind.Heun,
        Sampler.Stochastic => SamplerKind.Stochastic,
        _ => throw new ArgumentOutOfRangeException(nameof(sampler), sampler, "unknown sampler"),
    };

    public static Sampler ToContract(this SamplerKind sampler) => sampler switch
    {
        SamplerKind.Euler => Sampler.Euler,
        SamplerKind.Heun => Sampler.Heun,
        SamplerKind.Stochastic => Sampler.Stochastic,
        _ => throw new ArgumentOutOfRangeException(nameof(sampler), sampler, "unknown sampler"),
    };

    public static ImageDims ToContract(this ImageShape s) => new(s.Channels, s.Height, s.Width);

    public static ImageShape ToShape(this ImageDims d) => new(d.Channels, d.Height, d.Width);

    public static ModelSummary ToContract(this ModelDescription m) => new(m.Name, m.Description, m.Backend, m.Shape.ToContract(), m.ImageShape.ToContract(),
        m.Conditioning.ClassNames.ToArray(), m.Conditioning.TextEncoder, m.Conditioning.EmbeddingSize, m.ForwardFlops)
    {
        DefaultSampler = m.DefaultSampler,
        DefaultSteps = m.DefaultSteps,
        DefaultGuidance = m.DefaultGuidance,
    };

    public static ModelDescription ToDescription(this ModelSummary m) => new(m.Name, m.Description, m.Backend, m.Shape.ToShape(), m.Image.ToShape(),
        m.TextEncoder is { } encoder ? Conditioning.ForText(encoder, m.EmbeddingSize) : Conditioning.ForClasses(m.Classes),
        m.DefaultSampler, m.DefaultSteps, m.DefaultGuidance, m.ForwardFlops);

    public static DenoiseSegment ToContract(this TrajectorySpec spec) => new(
        spec.Seed.ToContract(), spec.Label, spec.Guidance, spec.Sampler.ToContract(), spec.Steps, spec.TFrom, spec.TTo, spec.Eta,
        spec.X0Times?.ToArray(), spec.InitialState, spec.StepOffset, spec.Embedding);

    public static TrajectorySpec ToSpec(this DenoiseSegment s) => new(
        s.Seed.ToNoiseSeed(), s.Label, s.Guidance, s.Sampler.ToSamplerKind(), s.Steps, s.TFrom, s.TTo, s.Eta,
        s.X0Times, s.InitialState, s.StepOffset, s.Embedding);

    public static SegmentOutcome ToContract(this DenoiseOutcome o) => new(
        o.State, o.Time, o.X0Predictions.Select(x => new X0Capture(x.RequestedTime, x.Time, x.Image)).ToArray(), o.Nfe, o.ModelEvaluations);

    public static DenoiseOutcome ToOutcome(this SegmentOutcome o) => new(
        o.State, o.Time, o.X0Predictions.Select(x => new X0Prediction(x.RequestedTime, x.Time, x.Image)).ToArray(), o.Nfe, o.ModelEvaluations);

    public static ImageToScore ToContract(this VerifierInput input) => new(input.Image, input.Label, input.ProbeX0,
        input.Shape is { } s ? new ImageDims(s.Channels, s.Height, s.Width) : null, input.Prompt, input.Time);

    public static VerifierInput ToInput(this ImageToScore image) => new(image.Image, image.Label, image.ProbeX0,
        image.Shape is { } s ? new ImageShape(s.Channels, s.Height, s.Width) : null, image.Prompt, image.Time);

    /// <summary>The wire form of a validated job, for <paramref name="tenantId"/>.</summary>
    public static JobSpec ToContract(this SearchJobSpec job, string tenantId)
    {
        var r = job.Request;
        return new JobSpec(tenantId, job.Model.ToContract(), job.AlgorithmSpec, job.Algorithm.Name, job.Verifier, [.. job.ReportedVerifiers],
            r.Label, r.Prompt, r.Guidance, r.Seed, r.BudgetNfe, r.TopK, r.Sampler.ToContract(), r.Steps, r.Eta, job.Deadline, r.TargetScore, r.Patience, job.VerifierNfe,
            job.Previews);
    }

    /// <summary>The search for a job; a text model's prompt embedding is prepared by the caller (<paramref name="embedding"/>).</summary>
    public static SearchRequest ToSearchRequest(this JobSpec r, float[]? embedding = null) =>
        new(r.Label, r.Guidance, r.Seed, r.BudgetNfe, r.TopK, r.Sampler.ToSamplerKind(), r.Steps, r.Eta, r.Prompt, embedding, r.TargetScore, r.Patience);

    public static CandidateSummary ToSummary(this Candidate c) => new(c.Seed.ToContract(), c.Scores.Primary, c.Round, c.Origin);

    public static JobCandidate ToContract(this Candidate c) =>
        new(c.Seed.ToContract(), c.Image, c.Scores.Primary, new Dictionary<string, double>(c.Scores.ByVerifier), c.Round, c.Origin);

    /// <summary>The job's result; <paramref name="algorithm"/> is the spec the job asked for, parameters included (the search names only the algorithm).</summary>
    /// <param name="forwardFlops">The model's FLOPs per NFE (0: not known), to state the verifiers' cost in NFE-equivalents.</param>
    public static JobResult ToContract(this SearchResult r, string algorithm, double forwardFlops = 0) => new(
        algorithm, r.Verifier, r.Top.Select(ToContract).ToArray(), r.Nfe.Search, r.Nfe.Final, r.Nfe.ModelEvaluations, r.Budget,
        r.VerifierCalls, r.VerifiedImages, r.SearchTime, r.FinalTime, r.VerifierTime, r.Rounds, r.StopReason switch
        {
            StopReason.TargetReached => "target_reached",
            StopReason.NoImprovement => "no_improvement",
            _ => "completed",
        },
        r.VerifierFlops is { } flops && forwardFlops > 0 ? flops / forwardFlops : null);
}
