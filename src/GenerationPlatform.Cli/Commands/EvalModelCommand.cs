using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using GenerationPlatform.Diffusion.Data;
using GenerationPlatform.Diffusion.Training;
using GenerationPlatform.Evaluation;
using GenerationPlatform.Verifiers.Classifier;
using GenerationPlatform.Tools;

namespace GenerationPlatform.Cli.Commands;

internal static class EvalModelCommand
{
    public static Command Create()
    {
        var perClass = new Option<int>("--per-class") { Description = "images generated per class", DefaultValueFactory = _ => 1000 };
        var guidance = new Option<string>("--guidance") { Description = "comma-separated guidance scales to evaluate", DefaultValueFactory = _ => $"1,{GenerateCommand.DefaultGuidance.ToString(CultureInfo.InvariantCulture)}" };
        var steps = new Option<int>("--steps") { Description = "sampler steps", DefaultValueFactory = _ => 10 };
        var sampler = new Option<string>("--sampler") { Description = "euler, heun or stochastic", DefaultValueFactory = _ => "heun" };
        var seed = new Option<ulong>("--seed") { DefaultValueFactory = _ => 1 };
        var report = new Option<string?>("--report") { Description = "also write the figures as JSON to this file" };
        var model = new Option<string?>("--model") { Description = "velocity network weights (default: the shipped model)" };
        var data = new Option<string?>("--data") { Description = $"Fashion-MNIST folder (default {FashionMnist.DefaultDirectory})" };
        var evalClassifier = new Option<string?>("--eval-classifier") { Description = "the evaluation classifier's weights (default: the shipped Weights/evaluation-classifier.safetensors)" };
        var cmd = new Command("eval-model", "FID against the test set, the train-vs-test floor, and conditional accuracy, with the evaluation classifier (and the verifiers' CNN for comparison)")
        {
            perClass, guidance, steps, sampler, seed, report, model, data, evalClassifier,
        };
        cmd.SetAction((p, ct) =>
        {
            int n = CliParsing.Positive(p.GetValue(perClass), "--per-class");
            int s = CliParsing.Positive(p.GetValue(steps), "--steps");
            var kind = GenerateCommand.ParseSampler(p.GetValue(sampler)!);
            var scales = p.GetValue(guidance)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(x => float.TryParse(x, NumberStyles.Float, CultureInfo.InvariantCulture, out var f) && f >= 0 ? f : throw new CliArgumentException($"--guidance: '{x}' is not a scale >= 0"))
                .ToArray();
            var reportPath = p.GetValue(report);
            if (reportPath is not null) CliParsing.EnsureWritable(reportPath, "--report");

            using var net = CliModel.Open(p.GetValue(model));
            try { ModelEvaluation.CheckModel(net.Field); }
            catch (ArgumentException e) { throw new CliArgumentException($"--model: {e.Message}"); }
            using var classifier = ClassifierFiles.Load();
            using var evaluationClassifier = EvaluationClassifierFiles.Load(p.GetValue(evalClassifier));
            using var test = new DatasetTensors(FashionMnist.Load(train: false, p.GetValue(data)));
            // The evaluation classifier (no verifier uses it) first: its numbers are the headline; the verifiers' CNN's are
            // the numbers before issue 13, kept for comparison.
            using var evaluationReference = new ClassifierReference(MetricsClassifier.Evaluation(evaluationClassifier), test.Images);
            using var cnnReference = new ClassifierReference(MetricsClassifier.VerifierCnn(classifier), test.Images);
            ClassifierReference[] references = [evaluationReference, cnnReference];
            // The evaluation classifier's training-set statistics sit next to its weights.
            var evaluationStatistics = p.GetValue(evalClassifier) is { } custom
                ? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(custom))!, EvaluationClassifierFiles.StatisticsFileName)
                : EvaluationClassifierFiles.DefaultStatisticsPath;
            string[] statistics = [evaluationStatistics, ClassifierFiles.DefaultStatisticsPath];
            var floors = new Dictionary<string, Floor>();
            using (var train = new DatasetTensors(FashionMnist.Load(train: true, p.GetValue(data))))
            using (var g = new TorchSharp.torch.Generator(7))
            using (var subset = train.Images.index_select(0, TorchSharp.torch.randperm(train.Count, generator: g).narrow(0, 0, Math.Min(n * 10, train.Count))))
            {
                foreach (var (r, statsPath) in references.Zip(statistics))
                {
                    using var trainStats = FeatureStatistics.Load(statsPath);
                    double floor = FrechetDistance.Compute(trainStats.Overall.Mean, trainStats.Overall.Covariance, r.TestMean, r.TestCovariance);
                    // FID is biased upwards at small n: the floor at the generated sets' size (that many training
                    // images drawn at random) is the fair reference for that many generated images.
                    using var subsetFeatures = r.Classifier.Features(subset);
                    var (m, c) = FeatureStatistics.Moments(subsetFeatures);
                    double floorEqualN = FrechetDistance.Compute(m, c, r.TestMean, r.TestCovariance);
                    m.Dispose(); c.Dispose();
                    using var testProbabilities = r.Classifier.Probabilities(test.Images);
                    using var testPredicted = testProbabilities.argmax(1);
                    double testAccuracy = ModelEvaluation.ConditionalAccuracy(testPredicted.data<long>().ToArray(), test.Labels.data<long>().ToArray()).Overall;
                    floors[r.Classifier.Name] = new Floor(floor, floorEqualN, testAccuracy);
                    Console.WriteLine($"{r.Classifier.Name} classifier: test accuracy {testAccuracy:P2}; FID floor (60 000 train vs test) {floor:F3}; at n = {n * 10} train images {floorEqualN:F3}");
                }
            }

            var eval = new ModelEvaluation(net.Field, maxBatch: 64); // 64-128 rows per call: the fastest batch sizes in `bench model`
            var results = new List<GenerationMetrics>();
            foreach (var w in scales)
            {
                var settings = new GenerationSettings(w, kind, s, n, p.GetValue(seed));
                var bar = new ConsoleProgress($"eval w={w}");
                var m = eval.Evaluate(settings, references, (done, all) => bar.Report(done, all, "images"), ct);
                results.Add(m);
                foreach (var c in m.ByClassifier)
                    Console.WriteLine($"guidance {w}, {c.Classifier} classifier: FID {c.Fid:F3} ({c.Fid / floors[c.Classifier].Fid:F2}x the floor, {c.Fid / floors[c.Classifier].FidEqualN:F2}x at equal n), conditional accuracy {c.ConditionalAccuracy:P2}");
                Console.WriteLine($"guidance {w}: {m.Nfe / (n * 10)} NFE per image, {m.SamplingTime.TotalSeconds:F0} s");
            }
            Console.WriteLine();
            Console.WriteLine("| guidance | sampler | steps (NFE) | images | classifier | FID | FID / floor | FID / floor at equal n | conditional accuracy |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
            foreach (var m in results)
                foreach (var c in m.ByClassifier)
                    Console.WriteLine($"| {m.Settings.Guidance} | {kind.ToString().ToLowerInvariant()} | {s} ({m.Nfe / (n * 10)}) | {n * 10} | {c.Classifier} | {c.Fid:F3} | {c.Fid / floors[c.Classifier].Fid:F2} | {c.Fid / floors[c.Classifier].FidEqualN:F2} | {c.ConditionalAccuracy:P2} |");
            foreach (var (name, f) in floors)
            {
                Console.WriteLine($"| training set | - | - | 60000 | {name} | {f.Fid:F3} | 1.00 | - | {f.TestAccuracy:P2} (classifier on the test set) |");
                Console.WriteLine($"| training subset | - | - | {n * 10} | {name} | {f.FidEqualN:F3} | {f.FidEqualN / f.Fid:F2} | 1.00 | - |");
            }
            if (reportPath is not null)
            {
                object Scores(ClassifierScores c) => new
                {
                    fid = c.Fid,
                    fid_over_floor = c.Fid / floors[c.Classifier].Fid,
                    fid_over_floor_equal_n = c.Fid / floors[c.Classifier].FidEqualN,
                    conditional_accuracy = c.ConditionalAccuracy,
                    per_class_accuracy = FashionMnist.ClassNames.Zip(c.PerClassAccuracy).ToDictionary(x => x.First, x => x.Second),
                };
                var json = new
                {
                    metrics_classifier = "evaluation (Evaluation/Weights/evaluation-classifier.safetensors, used by no verifier); verifier_cnn: the verifiers' classifier, as before issue 13",
                    evaluation_classifier_test_accuracy = floors["evaluation"].TestAccuracy,
                    fid_floor_train_vs_test = floors["evaluation"].Fid,
                    fid_floor_equal_n = floors["evaluation"].FidEqualN,
                    verifier_cnn = new
                    {
                        classifier_test_accuracy = floors["verifier-cnn"].TestAccuracy,
                        fid_floor_train_vs_test = floors["verifier-cnn"].Fid,
                        fid_floor_equal_n = floors["verifier-cnn"].FidEqualN,
                    },
                    floor_equal_n_images = n * 10,
                    per_class = n,
                    results = results.Select(m => new
                    {
                        guidance = m.Settings.Guidance,
                        sampler = m.Settings.Sampler.ToString().ToLowerInvariant(),
                        steps = m.Settings.Steps,
                        nfe_per_image = m.Nfe / (n * 10),
                        evaluation = Scores(m.ByClassifier[0]),
                        verifier_cnn = Scores(m.ByClassifier[1]),
                        sampling_seconds = m.SamplingTime.TotalSeconds,
                    }),
                };
                AtomicFile.Write(reportPath, JsonSerializer.SerializeToUtf8Bytes(json, new JsonSerializerOptions { WriteIndented = true }));
            }
            return Task.FromResult(0);
        });
        return cmd;
    }

    private sealed record Floor(double Fid, double FidEqualN, double TestAccuracy);
}
