using System.Diagnostics;
using GenerationPlatform.Diffusion.Sampling;
using GenerationPlatform.Search;
using GenerationPlatform.Serving;
using GenerationPlatform.Verifiers;
using static TorchSharp.torch;
using GenerationPlatform.Core.Sampling;

namespace GenerationPlatform.Evaluation;

/// <summary>
/// A curve: a baseline without a verifier, or an algorithm with a verifier. Baselines: "steps" spends the budget on
/// more Heun steps of one sample; "stochastic" is one sample of the particle sampler (the stochastic step at
/// eta = <see cref="StochasticEta"/>, particles' default) with the candidate's step count at +0 and more steps at
/// larger budgets: the +0 point of the particle curves on their own sampler.
/// </summary>
/// <summary>
/// A curve: <c>steps</c>, <c>stochastic</c>, or <c>ALGORITHM:VERIFIER</c>, optionally with an adaptive budget after the
/// verifier, <c>random:classifier@target=0.99</c> or <c>@patience=2</c> or both (<c>@target=0.99;patience=2</c>): the
/// search stops as SearchRequest.TargetScore and Patience say, and the point records what it spent.
/// </summary>
public sealed record ScalingSeries(string Algorithm, string? Verifier, double? TargetScore = null, int? Patience = null)
{
    public const float StochasticEta = 0.5f;

    public string Name => Verifier is null ? Algorithm : $"{Algorithm}:{Verifier}{Adaptive}";

    private string Adaptive => TargetScore is null && Patience is null ? ""
        : "@" + string.Join(";", new[]
        {
            TargetScore is { } t ? "target=" + t.ToString("R", System.Globalization.CultureInfo.InvariantCulture) : null,
            Patience is { } p ? "patience=" + p.ToString(System.Globalization.CultureInfo.InvariantCulture) : null,
        }.Where(x => x is not null));

    public bool IsBaseline => Verifier is null;

    public static ScalingSeries Parse(string text)
    {
        var parts = text.Split(':', 2, StringSplitOptions.TrimEntries);
        if (parts[0] is "steps" or "stochastic" && parts.Length == 1) return new(parts[0], null);
        if (parts.Length != 2 || parts[1].Length == 0) throw new ArgumentException($"series '{text}' must be 'steps', 'stochastic' or 'ALGORITHM:VERIFIER[@target=X;patience=N]'");
        int at = parts[1].LastIndexOf('@');
        if (at < 0) return new(parts[0], parts[1]);
        double? target = null;
        int? patience = null;
        foreach (var setting in parts[1][(at + 1)..].Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = setting.Split('=', 2, StringSplitOptions.TrimEntries);
            if (kv.Length == 2 && kv[0] == "target" && double.TryParse(kv[1], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var t) && double.IsFinite(t))
                target = t;
            else if (kv.Length == 2 && kv[0] == "patience" && int.TryParse(kv[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var p) && p >= 1)
                patience = p;
            else throw new ArgumentException($"series '{text}': '{setting}' is not target=NUMBER or patience=ROUNDS");
        }
        if (target is null && patience is null) throw new ArgumentException($"series '{text}': '@' needs target=NUMBER and/or patience=ROUNDS");
        return new(parts[0], parts[1][..at], target, patience);
    }
}

public sealed record ScalingSettings(int PerClass, int[] ExtraCandidates, int Steps = 10, SamplerKind Sampler = SamplerKind.Heun, float Guidance = 1.5f, ulong Seed = 1, int MaxBatch = 256);

/// <summary>
/// One point of a curve: what was spent and how the images score against the test set. <paramref name="Fid"/>,
/// <paramref name="InceptionScore"/>, <paramref name="Precision"/>, <paramref name="Recall"/> and
/// <paramref name="ConditionalAccuracy"/> are measured with the verifiers' CNN (the metrics before issue 13, kept for
/// comparison); the Eval* ones with the evaluation classifier, which no verifier uses (NaN for points measured before
/// it existed). <paramref name="FdResNet"/> is the Fréchet distance in ResNet-18 features, NaN when not computed.
/// </summary>
public sealed record ScalingPoint(
    string Series, int ExtraCandidates, long BudgetNfe, double MeanTotalNfe, double MeanSearchNfe,
    double Fid, double InceptionScore, double Precision, double Recall, double ConditionalAccuracy,
    double MeanVerifierScore, int Images, double WallSeconds, double FdResNet = double.NaN,
    double EvalFid = double.NaN, double EvalInceptionScore = double.NaN, double EvalPrecision = double.NaN, double EvalRecall = double.NaN,
    double EvalAccuracy = double.NaN)
{
    /// <summary>Whether the evaluation classifier measured this point.</summary>
    public bool HasEvaluation => !double.IsNaN(EvalFid);
}

/// <summary>
/// One image of a point: its seed and requested class (shared by every series at the same index, so points pair
/// image by image), what it cost, the searched verifier's score (NaN for the steps baseline), the verifiers' CNN's
/// p(class) and class-Gaussian log-density (cheap, so recorded for every series, the steps baseline included), and the
/// evaluation classifier's prediction and p(requested class).
/// </summary>
public sealed record ImageRecord(
    string Series, int ExtraCandidates, int Index, ulong Seed, int Label, long Nfe, long SearchNfe,
    double VerifierScore, double ClassifierScore, double ClassGaussianScore, int EvalPredicted, double EvalProbability)
{
    public bool EvalCorrect => EvalPredicted == Label;
}

/// <summary>A measured point with its per-image records.</summary>
public sealed record ScalingRun(ScalingPoint Point, IReadOnlyList<ImageRecord> Images);

/// <summary>
/// SEARCH.md section 5: for each (series, budget), one search per image for n images of each class,
/// all searches of a point running concurrently over one continuously batched denoiser; the top-1
/// images are scored against the Fashion-MNIST test set with the evaluation classifier (<paramref name="evaluation"/>)
/// and, for comparison with earlier numbers, the verifiers' CNN (<paramref name="verifierCnn"/>). With
/// <paramref name="resnetReference"/> (the test set's ResNet-18 feature moments), each point also gets FD in ResNet-18 features.
/// </summary>
public sealed class ScalingEvaluation(IVelocityField field, VerifierCatalog verifiers, ClassifierReference evaluation, ClassifierReference verifierCnn,
    FrechetReference? resnetReference = null)
{
    public int SampleNfe(ScalingSettings s) => new TrajectorySpec(default, 0, s.Guidance, s.Sampler, s.Steps).Nfe;

    /// <summary>The request seed of image <paramref name="index"/> (its class is index mod 10).</summary>
    public static ulong ImageSeed(ScalingSettings s, int index) => s.Seed * 1_000_003UL + (ulong)index;

    public async Task<ScalingRun> RunAsync(ScalingSeries series, int extra, ScalingSettings s, Action<int, int>? progress = null, CancellationToken ct = default)
    {
        ModelEvaluation.CheckModel(field);
        var clock = Stopwatch.StartNew();
        long budget = (long)(1 + extra) * SampleNfe(s);
        int total = s.PerClass * ModelEvaluation.ClassCount;
        var images = new float[total][];
        var labels = new long[total];
        var totalNfe = new long[total];
        var searchNfe = new long[total];
        var verifierScores = new double[total];
        int done = 0;
        using var denoiser = new ContinuousBatchingDenoiser(field, s.MaxBatch);
        var tasks = Enumerable.Range(0, total).Select(async i =>
        {
            int label = i % ModelEvaluation.ClassCount;
            ulong seed = ImageSeed(s, i);
            labels[i] = label;
            if (series.IsBaseline || extra == 0)
            {
                // Plain sampling; the baselines spend the budget on more steps instead.
                var spec = series.Algorithm switch
                {
                    "steps" => new TrajectorySpec(new NoiseSeed(seed, 0, 0), label, s.Guidance, s.Sampler, StepsForBudget(s, budget)),
                    "stochastic" => new TrajectorySpec(new NoiseSeed(seed, 0, 0), label, s.Guidance, SamplerKind.Stochastic,
                        extra == 0 ? s.Steps : StepsForBudget(s with { Sampler = SamplerKind.Stochastic }, budget), Eta: ScalingSeries.StochasticEta),
                    _ => new TrajectorySpec(new NoiseSeed(seed, 0, 0), label, s.Guidance, s.Sampler, s.Steps),
                };
                var outcome = (await denoiser.DenoiseAsync([spec], ct).ConfigureAwait(false))[0];
                images[i] = outcome.State;
                totalNfe[i] = outcome.Nfe;
                verifierScores[i] = series.Verifier is null ? double.NaN
                    : verifiers.Get(series.Verifier).Score([new GenerationPlatform.Core.Verifiers.VerifierInput(outcome.State, label)])[0];
            }
            else
            {
                var context = new SearchContext(denoiser, new VerifierPanel(verifiers.Get(series.Verifier!)), new NfeBudget(budget));
                var request = new SearchRequest(label, s.Guidance, seed, budget, TopK: 1, s.Sampler, s.Steps, TargetScore: series.TargetScore, Patience: series.Patience);
                var result = await Task.Run(() => AlgorithmCatalog.Create(series.Algorithm).RunAsync(request, context, ct), ct).ConfigureAwait(false);
                images[i] = result.Top[0].Image;
                totalNfe[i] = result.Nfe.Total;
                searchNfe[i] = result.Nfe.Search;
                verifierScores[i] = result.Top[0].Scores.Primary;
            }
            progress?.Invoke(Interlocked.Increment(ref done), total);
        }).ToArray();
        await Task.WhenAll(tasks).ConfigureAwait(false);

        var inputs = images.Select((x, i) => new GenerationPlatform.Core.Verifiers.VerifierInput(x, (int)labels[i])).ToArray();
        var classifierScores = verifiers.Get("classifier").Score(inputs, ct);
        var gaussianScores = verifiers.Get("class-gaussian").Score(inputs, ct);
        using var scope = NewDisposeScope();
        var batch = tensor(images.SelectMany(x => x).ToArray(), [total, 1, 28, 28]).clamp_(-1, 1);
        var old = verifierCnn.Measure(batch, labels);
        var independent = evaluation.Measure(batch, labels);
        double fdResNet = resnetReference?.Distance(images, ct) ?? double.NaN;
        var records = Enumerable.Range(0, total).Select(i => new ImageRecord(series.Name, extra, i, ImageSeed(s, i), (int)labels[i], totalNfe[i], searchNfe[i],
            verifierScores[i], classifierScores[i], gaussianScores[i], independent.Predicted[i], independent.RequestedProbability[i])).ToArray();
        double meanScore = series.IsBaseline ? 0 : verifierScores.Average();
        var point = new ScalingPoint(series.Name, extra, budget, totalNfe.Average(), searchNfe.Average(), old.Fid, old.InceptionScore,
            old.Precision, old.Recall, old.ConditionalAccuracy, meanScore, total, clock.Elapsed.TotalSeconds, fdResNet,
            independent.Fid, independent.InceptionScore, independent.Precision, independent.Recall, independent.ConditionalAccuracy);
        return new ScalingRun(point, records);
    }

    /// <summary>The most steps whose NFE fits the budget (Heun: 2S - 1, Euler and stochastic: S).</summary>
    public static int StepsForBudget(ScalingSettings s, long budget)
    {
        int steps = 1;
        while (new TrajectorySpec(default, 0, s.Guidance, s.Sampler, steps + 1, Eta: ScalingSeries.StochasticEta).Nfe <= budget) steps++;
        return steps;
    }
}
