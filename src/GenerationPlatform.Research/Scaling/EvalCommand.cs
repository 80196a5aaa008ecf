using GenerationPlatform.Diffusion.Data;
using GenerationPlatform.Diffusion.Training;
using GenerationPlatform.Evaluation;
using GenerationPlatform.Tools;
using GenerationPlatform.Verifiers;
using GenerationPlatform.Verifiers.Classifier;
using GenerationPlatform.Verifiers.ResNet;

namespace GenerationPlatform.Research.Scaling;

/// <summary>
/// <c>genplat-research eval</c>: the scaling evaluation (SEARCH.md section 5): quality against total NFE per series and
/// budget, merged into the --out folder's scaling.csv and scaling-images.csv point by point, and the report redrawn.
/// </summary>
internal static class EvalCommand
{
    public static System.CommandLine.Command Create() => ToolCommand.Create("eval",
        "Scaling evaluation: quality against total NFE for search algorithms, verifiers and the steps baseline", EvalSettings.Options, async (p, ct) =>
        {
            var settings = EvalSettings.Parse(p);
            if (settings.Plan is null) Redraw(settings).Write(Console.Out);
            else (await RunAsync(settings, settings.Plan, Console.Out, ct)).Write(Console.Out);
            return 0;
        });

    /// <summary>--report-only: the report drawn again from the folder's points and records, nothing run.</summary>
    public static EvalRedrawReport Redraw(EvalSettings settings)
    {
        var existing = Path.Combine(settings.Out, ScalingFolder.PointsFile);
        var rows = ScalingReport.Read(existing);
        using var net = CliModel.Open(settings.Model);
        using var catalog = new VerifierCatalog(onnxVerifiers: settings.OnnxVerifiers);
        ScalingFolder.WriteReport(settings.Out, rows, ImageRecords.Read(Path.Combine(settings.Out, ScalingFolder.RecordsFile)),
            ScalingFolder.VerifierCost(catalog, net.Network.ForwardFlops));
        return new EvalRedrawReport(rows.Count, existing);
    }

    /// <summary>A shipped model's file relative to the shipped folder (the same on every machine); another's full path.</summary>
    private static string ModelSource(string source)
    {
        var relative = Path.GetRelativePath(CliModel.ShippedDirectory, source);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? source : Path.Combine("models", relative);
    }

    /// <summary>Every point of the plan, each saved as soon as it is measured (a long run that stops keeps what it measured); then the report.</summary>
    public static async Task<EvalReport> RunAsync(EvalSettings settings, EvalPlan plan, TextWriter progress, CancellationToken ct)
    {
        using var net = CliModel.Open(settings.Model);
        try { ModelEvaluation.CheckModel(net.Field); }
        catch (ArgumentException e) { throw new CliArgumentException($"--model: {e.Message}"); }
        using var classifier = ClassifierFiles.Load();
        using var evaluationClassifier = EvaluationClassifierFiles.Load(plan.EvalClassifier);
        using var catalog = new VerifierCatalog(onnxVerifiers: settings.OnnxVerifiers);
        EvalSeriesCheck.Check(plan.Curves, catalog);
        using var test = new DatasetTensors(FashionMnist.Load(train: false, plan.Data));
        using var evaluationReference = new ClassifierReference(MetricsClassifier.Evaluation(evaluationClassifier), test.Images);
        using var cnnReference = new ClassifierReference(MetricsClassifier.VerifierCnn(classifier), test.Images);
        using var resnet = plan.FdResNetImages is null ? null : new ResNet18Features();
        using var reference = resnet is null ? null : ResNetReference.Load(resnet, test, plan.FdResNetImages!.Value, plan.FdCache, ct);
        var eval = new ScalingEvaluation(net.Field, catalog, evaluationReference, cnnReference, reference);
        var points = new List<ScalingPoint>();
        var csv = Path.Combine(settings.Out, ScalingFolder.PointsFile);
        var recordsCsv = Path.Combine(settings.Out, ScalingFolder.RecordsFile);
        foreach (var curve in plan.Curves)
            foreach (var extra in plan.Scaling.ExtraCandidates)
            {
                var bar = new ConsoleProgress($"{curve.Name} +{extra}");
                var (point, images) = await eval.RunAsync(curve, extra, plan.Scaling, (done, all) => bar.Report(done, all, "images"), ct);
                points.Add(point);
                EvalReport.WritePoint(progress, point, extra);
                ScalingReport.Write(csv, ScalingReport.Merge(ScalingReport.Read(csv), [point]));
                ImageRecords.Write(recordsCsv, ImageRecords.Merge(ImageRecords.Read(recordsCsv), images));
                EvalProvenance.Append(settings.Out, point, plan.Scaling, net.Name, ModelSource(net.Source), DateTimeOffset.UtcNow);
            }
        var cost = ScalingFolder.VerifierCost(catalog, net.Network.ForwardFlops);
        ScalingFolder.WriteReport(settings.Out, ScalingReport.Read(csv), ImageRecords.Read(recordsCsv), cost);
        return new EvalReport(points, cost);
    }
}
