using System.CommandLine;
using System.Globalization;
using GenerationPlatform.Diffusion.Data;
using GenerationPlatform.Diffusion.Training;
using GenerationPlatform.Evaluation;
using GenerationPlatform.Verifiers;
using GenerationPlatform.Verifiers.Classifier;
using GenerationPlatform.Verifiers.ResNet;
using GenerationPlatform.Core.Sampling;
using GenerationPlatform.Tools;

namespace GenerationPlatform.Cli.Commands;

internal static class EvalCommand
{
    public static Command Create()
    {
        var series = new Option<string>("--series") { Description = "comma-separated curves: steps, or ALGORITHM:VERIFIER (e.g. random:classifier)", DefaultValueFactory = _ => "steps,random:classifier" };
        var budgets = new Option<string>("--budgets") { Description = "extra candidates' worth of search NFE per point", DefaultValueFactory = _ => "0,1,3,7,15" };
        var perClass = new Option<int>("--per-class") { Description = "images per class per point", DefaultValueFactory = _ => 20 };
        var steps = new Option<int>("--steps") { Description = "sampler steps of one candidate", DefaultValueFactory = _ => 10 };
        var cfg = new Option<double>("--cfg") { DefaultValueFactory = _ => GenerateCommand.DefaultGuidance };
        var seed = new Option<ulong>("--seed") { DefaultValueFactory = _ => 1 };
        var outDir = new Option<string>("--out") { Description = "folder for scaling.csv and scaling-images.csv (merged with earlier runs), scaling.md, scaling-comparisons.md and the plots", DefaultValueFactory = _ => "docs/results" };
        var evalClassifier = new Option<string?>("--eval-classifier") { Description = "the evaluation classifier's weights (default: the shipped Weights/evaluation-classifier.safetensors)" };
        var data = new Option<string?>("--data") { Description = $"Fashion-MNIST folder (default {FashionMnist.DefaultDirectory})" };
        var fdResNet = new Option<bool>("--fd-resnet") { Description = "also compute FD with ResNet-18 features (about 50 images/s on a CPU; the test set's reference statistics are computed once and cached)" };
        var fdImages = new Option<int>("--fd-resnet-images") { Description = "test images in the ResNet-18 reference statistics (the first N)", DefaultValueFactory = _ => 10_000 };
        var fdCache = new Option<string>("--fd-resnet-cache") { Description = "folder for cached reference statistics", DefaultValueFactory = _ => DefaultReferenceCache };
        var onnx = OnnxVerifierOption.Create();
        var model = new Option<string?>("--model") { Description = "class model to search with (default: the shipped model); points of different models belong in different --out folders" };
        var reportOnly = new Option<bool>("--report-only") { Description = "run nothing: redraw scaling.md and the plots from the --out folder's scaling.csv" };
        var cmd = new Command("eval", "Scaling evaluation: quality against total NFE for search algorithms, verifiers and the steps baseline")
        {
            series, budgets, perClass, steps, cfg, seed, outDir, data, fdResNet, fdImages, fdCache, onnx, model, reportOnly, evalClassifier,
        };
        cmd.SetAction(async (p, ct) =>
        {
            if (p.GetValue(reportOnly))
            {
                var folder = p.GetValue(outDir)!;
                var existing = Path.Combine(folder, "scaling.csv");
                if (!File.Exists(existing)) throw new CliArgumentException($"--out: no scaling.csv in '{folder}' to report");
                var rows = ScalingReport.Read(existing);
                using var reportNet = CliModel.Open(p.GetValue(model));
                using var reportCatalog = new VerifierCatalog(onnxVerifiers: OnnxVerifierOption.Parse(p.GetValue(onnx)));
                WriteReport(folder, rows, ImageRecords.Read(Path.Combine(folder, RecordsFile)), VerifierCost(reportCatalog, reportNet.Network.ForwardFlops));
                Console.WriteLine($"{rows.Count} points from {existing}: scaling.md and the plots redrawn");
                return 0;
            }
            var curves = SplitTopLevel(p.GetValue(series)!).Select(s =>
            {
                try { return ScalingSeries.Parse(s); }
                catch (ArgumentException e) { throw new CliArgumentException($"--series: {e.Message}"); }
            }).ToArray();
            var extras = p.GetValue(budgets)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(x => int.TryParse(x, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v <= 1024 ? v : throw new CliArgumentException($"--budgets: '{x}' is not a count of extra candidates (0-1024)")).ToArray();
            var settings = new ScalingSettings(CliParsing.Positive(p.GetValue(perClass), "--per-class"), extras, CliParsing.Positive(p.GetValue(steps), "--steps"),
                SamplerKind.Heun, (float)CliParsing.InRange(p.GetValue(cfg), "--cfg", 0, 20), p.GetValue(seed));
            int fdCount = p.GetValue(fdImages) is var n and >= 2 and <= 10_000 ? n : throw new CliArgumentException($"--fd-resnet-images must be between 2 and 10000 (got {p.GetValue(fdImages)})");
            var onnxVerifiers = OnnxVerifierOption.Parse(p.GetValue(onnx));
            var dir = p.GetValue(outDir)!;
            var csv = Path.Combine(dir, "scaling.csv");
            var recordsCsv = Path.Combine(dir, RecordsFile);
            CliParsing.EnsureWritable(csv, "--out");

            using var net = CliModel.Open(p.GetValue(model));
            try { ModelEvaluation.CheckModel(net.Field); }
            catch (ArgumentException e) { throw new CliArgumentException($"--model: {e.Message}"); }
            using var classifier = ClassifierFiles.Load();
            using var evaluationClassifier = EvaluationClassifierFiles.Load(p.GetValue(evalClassifier));
            using var catalog = new VerifierCatalog(onnxVerifiers: onnxVerifiers);
            foreach (var c in curves.Where(c => c.Verifier is not null))
            {
                if ((c.TargetScore is not null || c.Patience is not null) && !Search.SearchRequest.StoppableAlgorithms.Contains(Search.AlgorithmCatalog.NameOf(c.Algorithm)))
                    throw new CliArgumentException($"--series: an adaptive budget (@target, @patience) applies to {string.Join(" and ", Search.SearchRequest.StoppableAlgorithms)}, not '{c.Algorithm}'");
                try { catalog.Get(c.Verifier!); }
                catch (UnknownVerifierException e) { throw new CliArgumentException($"--series: {e.Message}"); }
                catch (Verifiers.Onnx.OnnxContractException e) { throw new CliArgumentException($"{OnnxVerifierOption.Name}: {e.Message}"); }
                if (c.Algorithm != "steps")
                {
                    try { Search.AlgorithmCatalog.Create(c.Algorithm); }
                    catch (ArgumentException e) { throw new CliArgumentException($"--series: {e.Message} (or steps)"); }
                }
            }
            using var test = new DatasetTensors(FashionMnist.Load(train: false, p.GetValue(data)));
            using var evaluationReference = new ClassifierReference(MetricsClassifier.Evaluation(evaluationClassifier), test.Images);
            using var cnnReference = new ClassifierReference(MetricsClassifier.VerifierCnn(classifier), test.Images);
            using var resnet = p.GetValue(fdResNet) ? new ResNet18Features() : null;
            using var reference = resnet is null ? null : ResNetReference(resnet, test, fdCount, p.GetValue(fdCache)!, ct);
            var eval = new ScalingEvaluation(net.Field, catalog, evaluationReference, cnnReference, reference);
            var points = new List<ScalingPoint>();
            foreach (var curve in curves)
                foreach (var extra in extras)
                {
                    var bar = new ConsoleProgress($"{curve.Name} +{extra}");
                    var (point, images) = await eval.RunAsync(curve, extra, settings, (done, all) => bar.Report(done, all, "images"), ct);
                    points.Add(point);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{point.Series} +{extra}: NFE {point.MeanTotalNfe:F0}, FID {point.EvalFid:F2} (verifier CNN {point.Fid:F2}){(double.IsNaN(point.FdResNet) ? "" : $", FD ResNet-18 {point.FdResNet:F2}")}, IS {point.EvalInceptionScore:F3} ({point.InceptionScore:F3}), precision {point.EvalPrecision:F3} ({point.Precision:F3}), recall {point.EvalRecall:F3} ({point.Recall:F3}), accuracy {point.EvalAccuracy:P1} ({point.ConditionalAccuracy:P1}), verifier {point.MeanVerifierScore:F3}, {point.WallSeconds:F0} s"));
                    // Saved after every point, so a long run that stops keeps what it measured.
                    ScalingReport.Write(csv, ScalingReport.Merge(ScalingReport.Read(csv), [point]));
                    ImageRecords.Write(recordsCsv, ImageRecords.Merge(ImageRecords.Read(recordsCsv), images));
                }
            var cost = VerifierCost(catalog, net.Network.ForwardFlops);
            WriteReport(dir, ScalingReport.Read(csv), ImageRecords.Read(recordsCsv), cost);
            Console.WriteLine(ScalingReport.MarkdownTable(points, cost));
            return 0;
        });
        return cmd;
    }

    /// <summary>Per-image records of every point (seed, class, NFE, scores, the evaluation classifier's outputs).</summary>
    public const string RecordsFile = "scaling-images.csv";

    private static void WriteReport(string dir, IReadOnlyList<ScalingPoint> all, IReadOnlyList<ImageRecord> records, Func<string, string> verifierCost)
    {
        AtomicFile.Write(Path.Combine(dir, "scaling.md"), System.Text.Encoding.UTF8.GetBytes(ScalingReport.MarkdownTable(all, verifierCost)));
        AtomicFile.Write(Path.Combine(dir, "scaling-comparisons.md"), System.Text.Encoding.UTF8.GetBytes(ScalingComparisons.Markdown(all, records)));
        ScalingReport.Plot(all, dir, records);
    }

    /// <summary>
    /// What a series' verifier costs per image it scores, in NFE-equivalents of the model (FLOPs over the model's FLOPs per
    /// NFE): "–" for the baselines, "?" where the cost is unknown, and for noise-aware ranking the finished image's cost and
    /// the x0-prediction's (the head's).
    /// </summary>
    internal static Func<string, string> VerifierCost(VerifierCatalog catalog, double flopsPerNfe) => series =>
    {
        ScalingSeries parsed;
        try { parsed = ScalingSeries.Parse(series); }
        catch (ArgumentException) { return "?"; }
        if (parsed.Verifier is null) return "–";
        GenerationPlatform.Core.Verifiers.IImageVerifier verifier;
        try { verifier = catalog.Get(parsed.Verifier); }
        catch (Exception e) when (e is UnknownVerifierException or ArgumentException or Verifiers.Onnx.OnnxContractException) { return "?"; }
        if (verifier.FlopsPerImage <= 0 || !(flopsPerNfe > 0)) return "?";
        var plain = (verifier.FlopsPerImage / flopsPerNfe).ToString("F2", CultureInfo.InvariantCulture);
        bool noisy = Search.AlgorithmCatalog.Create(parsed.Algorithm).RanksNoisyInputs && verifier.RanksNoisyInputs;
        return noisy ? string.Create(CultureInfo.InvariantCulture, $"{plain}; x0: {verifier.FlopsPerNoisyImage / flopsPerNfe:F2}") : plain;
    };

    public static string DefaultReferenceCache =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify), "genplat", "fd-reference");

    /// <summary>The test set's ResNet-18 feature moments: read from the cache, or computed (minutes) and cached.</summary>
    private static FrechetReference ResNetReference(ResNet18Features resnet, DatasetTensors test, int count, string cache, CancellationToken ct)
    {
        if (count > test.Count) throw new CliArgumentException($"--fd-resnet-images: the test set has only {test.Count} images (got {count})");
        const int pixels = FashionMnistSplit.Side * FashionMnistSplit.Side;
        var flat = test.Images.data<float>().ToArray();
        var images = Enumerable.Range(0, count).Select(i => flat.AsSpan(i * pixels, pixels).ToArray()).ToArray();
        var bar = new ConsoleProgress("ResNet-18 reference statistics");
        var reference = FrechetReference.ForResNet18(resnet, Path.Combine(ResNet18Features.DefaultModelDirectory, ResNet18Features.ModelFile), images, cache,
            (done, all) => bar.Report(done, all, "test images"), ct);
        Console.Error.WriteLine(reference.LoadedFromCache ? $"ResNet-18 reference statistics read from {reference.CacheFile}" : $"ResNet-18 reference statistics cached in {reference.CacheFile}");
        return reference;
    }

    /// <summary>Splits on commas outside parentheses, so `random:ensemble(a,b)` stays one series.</summary>
    private static IEnumerable<string> SplitTopLevel(string text)
    {
        int depth = 0, start = 0;
        for (int i = 0; i <= text.Length; i++)
        {
            if (i < text.Length && text[i] == '(') depth++;
            else if (i < text.Length && text[i] == ')') depth--;
            else if (i == text.Length || (text[i] == ',' && depth == 0))
            {
                var part = text[start..i].Trim();
                if (part.Length > 0) yield return part;
                start = i + 1;
            }
        }
    }
}
