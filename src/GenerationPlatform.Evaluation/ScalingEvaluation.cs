using System.Diagnostics;
using GenerationPlatform.Diffusion.Sampling;
using GenerationPlatform.Search;
using GenerationPlatform.Serving;
using GenerationPlatform.Verifiers;
using GenerationPlatform.Verifiers.Classifier;
using static TorchSharp.torch;

namespace GenerationPlatform.Evaluation;

/// <summary>A curve: the steps baseline (Algorithm "steps", no verifier) or an algorithm with a verifier.</summary>
public sealed record ScalingSeries(string Algorithm, string? Verifier)
{
    public string Name => Verifier is null ? Algorithm : $"{Algorithm}:{Verifier}";

    public static ScalingSeries Parse(string text)
    {
        var parts = text.Split(':', 2, StringSplitOptions.TrimEntries);
        if (parts[0] == "steps") return new("steps", null);
        if (parts.Length != 2 || parts[1].Length == 0) throw new ArgumentException($"series '{text}' must be 'steps' or 'ALGORITHM:VERIFIER'");
        return new(parts[0], parts[1]);
    }
}

public sealed record ScalingSettings(int PerClass, int[] ExtraCandidates, int Steps = 10, SamplerKind Sampler = SamplerKind.Heun, float Guidance = 1.5f, ulong Seed = 1, int MaxBatch = 256);

/// <summary>
/// One point of a curve: what was spent and how the images score against the test set.
/// <paramref name="FdResNet"/> is the Fréchet distance in ResNet-18 features, NaN when not computed.
/// </summary>
public sealed record ScalingPoint(
    string Series, int ExtraCandidates, long BudgetNfe, double MeanTotalNfe, double MeanSearchNfe,
    double Fid, double InceptionScore, double Precision, double Recall, double ConditionalAccuracy,
    double MeanVerifierScore, int Images, double WallSeconds, double FdResNet = double.NaN);

/// <summary>
/// SEARCH.md section 5: for each (series, budget), one search per image for n images of each class,
/// all searches of a point running concurrently over one continuously batched denoiser; the top-1
/// images are scored against the Fashion-MNIST test set. With <paramref name="resnetReference"/> (the test
/// set's ResNet-18 feature moments), each point also gets FD in ResNet-18 features.
/// </summary>
public sealed class ScalingEvaluation(IVelocityField field, FashionClassifier classifier, VerifierCatalog verifiers, Tensor testFeatures,
    FrechetReference? resnetReference = null)
{
    private readonly (Tensor Mean, Tensor Cov) reference = FeatureStatistics.Moments(testFeatures);

    public int SampleNfe(ScalingSettings s) => new TrajectorySpec(default, 0, s.Guidance, s.Sampler, s.Steps).Nfe;

    public async Task<ScalingPoint> RunAsync(ScalingSeries series, int extra, ScalingSettings s, Action<int, int>? progress = null, CancellationToken ct = default)
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
            ulong seed = s.Seed * 1_000_003UL + (ulong)i;
            labels[i] = label;
            if (series.Algorithm == "steps" || extra == 0)
            {
                // Plain sampling; the steps baseline spends the budget on more steps instead.
                int steps = series.Algorithm == "steps" ? StepsForBudget(s, budget) : s.Steps;
                var outcome = (await denoiser.DenoiseAsync([new TrajectorySpec(new NoiseSeed(seed, 0, 0), label, s.Guidance, s.Sampler, steps)], ct).ConfigureAwait(false))[0];
                images[i] = outcome.State;
                totalNfe[i] = outcome.Nfe;
                if (series.Verifier is not null)
                    verifierScores[i] = verifiers.Get(series.Verifier).Score([new Verifiers.Core.VerifierInput(outcome.State, label)])[0];
            }
            else
            {
                var context = new SearchContext(denoiser, new VerifierPanel(verifiers.Get(series.Verifier!)), new NfeBudget(budget));
                var request = new SearchRequest(label, s.Guidance, seed, budget, TopK: 1, s.Sampler, s.Steps);
                var result = await Task.Run(() => AlgorithmCatalog.Create(series.Algorithm).RunAsync(request, context, ct), ct).ConfigureAwait(false);
                images[i] = result.Top[0].Image;
                totalNfe[i] = result.Nfe.Total;
                searchNfe[i] = result.Nfe.Search;
                verifierScores[i] = result.Top[0].Scores.Primary;
            }
            progress?.Invoke(Interlocked.Increment(ref done), total);
        }).ToArray();
        await Task.WhenAll(tasks).ConfigureAwait(false);

        using var scope = NewDisposeScope();
        var batch = tensor(images.SelectMany(x => x).ToArray(), [total, 1, 28, 28]).clamp_(-1, 1);
        Tensor features, probs;
        using (no_grad())
        {
            classifier.eval();
            features = ClassifierTrainer.Features(classifier, batch);
            probs = nn.functional.softmax(classifier.forward(batch), 1);
        }
        var (mean, cov) = FeatureStatistics.Moments(features);
        double fid = FrechetDistance.Compute(mean, cov, reference.Mean, reference.Cov);
        // Precision and recall against an equally large, fixed subset of the test set.
        using var g = new Generator(12345);
        var subset = testFeatures.index_select(0, randperm(testFeatures.shape[0], generator: g).narrow(0, 0, Math.Min(total, testFeatures.shape[0])));
        var (precision, recall) = SampleMetrics.PrecisionRecall(subset, features);
        var predicted = probs.argmax(1).data<long>().ToArray();
        double accuracy = predicted.Zip(labels).Count(p => p.First == p.Second) / (double)total;
        double fdResNet = resnetReference?.Distance(images, ct) ?? double.NaN;
        return new ScalingPoint(series.Name, extra, budget, totalNfe.Average(), searchNfe.Average(), fid, SampleMetrics.InceptionScore(probs),
            precision, recall, accuracy, verifierScores.Average(), total, clock.Elapsed.TotalSeconds, fdResNet);
    }

    /// <summary>The most steps whose NFE fits the budget (Heun: 2S - 1, Euler: S).</summary>
    public static int StepsForBudget(ScalingSettings s, long budget)
    {
        int steps = 1;
        while (new TrajectorySpec(default, 0, s.Guidance, s.Sampler, steps + 1).Nfe <= budget) steps++;
        return steps;
    }
}
