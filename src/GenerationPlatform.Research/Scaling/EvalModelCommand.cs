using GenerationPlatform.Diffusion.Data;
using GenerationPlatform.Diffusion.Training;
using GenerationPlatform.Evaluation;
using GenerationPlatform.Tools;
using GenerationPlatform.Verifiers.Classifier;

namespace GenerationPlatform.Research.Scaling;

/// <summary>
/// <c>genplat-research eval-model</c>: FID against the test set, the train-vs-test floor and conditional accuracy at several
/// guidance scales, with the evaluation classifier (the headline) and the verifiers' CNN (the figures before issue 13).
/// </summary>
internal static class EvalModelCommand
{
    public static System.CommandLine.Command Create() => ToolCommand.Create("eval-model",
        "FID against the test set, the train-vs-test floor, and conditional accuracy, with the evaluation classifier (and the verifiers' CNN for comparison)",
        EvalModelSettings.Options, (p, ct) =>
        {
            Run(EvalModelSettings.Parse(p), Console.Out, ct).Write(Console.Out);
            return Task.FromResult(0);
        });

    public static EvalModelReport Run(EvalModelSettings settings, TextWriter progress, CancellationToken ct)
    {
        using var net = CliModel.Open(settings.Model);
        try { ModelEvaluation.CheckModel(net.Field); }
        catch (ArgumentException e) { throw new CliArgumentException($"--model: {e.Message}"); }
        using var classifier = ClassifierFiles.Load();
        using var evaluationClassifier = EvaluationClassifierFiles.Load(settings.EvalClassifier);
        using var test = new DatasetTensors(FashionMnist.Load(train: false, settings.Data));
        // The evaluation classifier (no verifier uses it) first: its numbers are the headline; the verifiers' CNN's are
        // the numbers before issue 13, kept for comparison.
        using var evaluationReference = new ClassifierReference(MetricsClassifier.Evaluation(evaluationClassifier), test.Images);
        using var cnnReference = new ClassifierReference(MetricsClassifier.VerifierCnn(classifier), test.Images);
        ClassifierReference[] references = [evaluationReference, cnnReference];
        // The evaluation classifier's training-set statistics sit next to its weights.
        var evaluationStatistics = settings.EvalClassifier is { } custom
            ? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(custom))!, EvaluationClassifierFiles.StatisticsFileName)
            : EvaluationClassifierFiles.DefaultStatisticsPath;
        var floors = FidFloors.Measure(references, [evaluationStatistics, ClassifierFiles.DefaultStatisticsPath], test, settings.Data, settings.Images, progress);

        var eval = new ModelEvaluation(net.Field, maxBatch: 64); // 64-128 rows per call: the fastest batch sizes in `genplat-bench model`
        var results = new List<GenerationMetrics>();
        foreach (var w in settings.Guidance)
        {
            var bar = new ConsoleProgress($"eval w={w}");
            var m = eval.Evaluate(new GenerationSettings(w, settings.Sampler, settings.Steps, settings.PerClass, settings.Seed), references,
                (done, all) => bar.Report(done, all, "images"), ct);
            results.Add(m);
            EvalModelReport.WriteScale(progress, m, floors, settings.Images);
        }
        return new EvalModelReport(settings, results, floors);
    }
}
