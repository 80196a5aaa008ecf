using System.Globalization;
using GenerationPlatform.Evaluation;
using GenerationPlatform.Tools;
using GenerationPlatform.Verifiers.Classifier;
using GenerationPlatform.Verifiers.NoiseAware;

namespace GenerationPlatform.Research.Training;

/// <summary>
/// <c>genplat-research train-noise-verifier</c>: trains the `classifier` verifier's noise-aware head (SEARCH.md section 3.4).
/// It samples trajectories of a class model with seeds of its own (disjoint from every evaluation's), captures the
/// x0-predictions at every grid time on the way down, labels each with the `classifier` score of its trajectory's finished
/// image, fits <see cref="NoiseAwareRanker"/>, and reports on held-out trajectories how well each time's ranking agrees with
/// the finished images' (Spearman), next to the classifier scoring the same x0-predictions as if finished.
/// </summary>
internal static class TrainNoiseVerifierCommand
{
    public static System.CommandLine.Command Create() => ToolCommand.Create("train-noise-verifier",
        "Train the classifier verifier's noise-aware head, which ranks x0-predictions by the finished image's predicted score", TrainNoiseVerifierSettings.Options,
        async (p, ct) =>
        {
            (await RunAsync(TrainNoiseVerifierSettings.Parse(p), ct)).Write(Console.Out);
            return 0;
        });

    public static async Task<TrainNoiseVerifierReport> RunAsync(TrainNoiseVerifierSettings settings, CancellationToken ct)
    {
        using var net = CliModel.Open(settings.Model);
        try { ModelEvaluation.CheckModel(net.Field); }
        catch (ArgumentException e) { throw new CliArgumentException($"--model: {e.Message}"); }
        var times = settings.Times;
        using var classifier = ClassifierFiles.Load();
        var sampled = await NoiseVerifierTrajectories.SampleAsync(net, settings, classifier, ct);
        using var all = NoiseVerifierExampleSet.Build(sampled, times, classifier, ct);
        var (train, holdout) = NoiseVerifierExampleSet.Split(all);
        using (train)
        using (holdout)
        {
            var options = new NoiseAwareTrainingOptions(Epochs: settings.Epochs, Seed: (long)(settings.Seed % int.MaxValue));
            var bar = new ConsoleProgress("train-noise-verifier");
            using var ranker = NoiseAwareTrainer.Train(train, holdout, options,
                e => bar.Report(e.Epoch, e.Epochs,
                    $"loss {e.Loss:F4}  held-out within-request Spearman {e.HoldoutWithinGroupSpearman:F3}  {e.ImagesPerSecond:F0} img/s  {e.Elapsed:hh\\:mm\\:ss}",
                    force: true),
                ct);
            var provenance = Provenance(net.Name, settings, sampled.Specs.Length, times);
            NoiseAwareFiles.Save(settings.Out, ranker, "classifier", provenance);
            using var shipped = NoiseAwareFiles.Load(settings.Out); // the agreement of the weights as shipped (float16)
            return new TrainNoiseVerifierReport(provenance, RankAgreement.Measure(shipped, holdout, times), sampled.FinalScores.Average(), settings.Out, settings.ReportPath);
        }
    }

    private static string Provenance(string model, TrainNoiseVerifierSettings s, int trajectories, float[] times) =>
        $"trained with genplat-research train-noise-verifier --model {model} --per-class {s.PerClass} --steps {s.Steps} "
        + $"--guidance {s.Guidance.ToString(CultureInfo.InvariantCulture)} --epochs {s.Epochs} --seed {s.Seed}: "
        + $"{trajectories} Heun trajectories, x0-predictions at t = {string.Join(", ", times.Select(x => x.ToString("0.##", CultureInfo.InvariantCulture)))} "
        + "and the finished images, "
        + "labelled with the classifier verifier's score of the finished image; a ranking loss within one class at one time, on top of the classifier's log-odds";
}
