using System.Diagnostics;
using GenerationPlatform.Diffusion.Sampling;
using GenerationPlatform.Search;
using GenerationPlatform.Serving;
using GenerationPlatform.Verifiers;
using static TorchSharp.torch;
using GenerationPlatform.Core.Sampling;

namespace GenerationPlatform.Evaluation;

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
            independent.Fid, independent.InceptionScore, independent.Precision, independent.Recall, independent.ConditionalAccuracy,
            independent.WithinClassDistance, WithinClassDistance.Mean(batch, labels));
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
