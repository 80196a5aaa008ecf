using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using GenerationPlatform.Diffusion.Data;
using GenerationPlatform.Diffusion.Model;
using GenerationPlatform.Diffusion.Sampling;
using GenerationPlatform.Diffusion.Training;
using GenerationPlatform.Evaluation;
using GenerationPlatform.Verifiers.Classifier;

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
        var cmd = new Command("eval-model", "FID (classifier features) against the test set, the train-vs-test floor, and conditional accuracy")
        {
            perClass, guidance, steps, sampler, seed, report, model, data,
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
            using var trainStats = FeatureStatistics.Load(ClassifierFiles.DefaultStatisticsPath);
            using var test = new DatasetTensors(FashionMnist.Load(train: false, p.GetValue(data)));
            using var testFeatures = ClassifierTrainer.Features(classifier, test.Images);
            var (testMean, testCov) = FeatureStatistics.Moments(testFeatures);
            double floor = FrechetDistance.Compute(trainStats.Overall.Mean, trainStats.Overall.Covariance, testMean, testCov);
            double testAccuracy = ClassifierTrainer.Accuracy(classifier, test);
            // FID is biased upwards at small n: the floor at the generated sets' size (10 000 training
            // images drawn at random) is the fair reference for 10 000 generated images.
            double floorEqualN;
            using (var train = new DatasetTensors(FashionMnist.Load(train: true, p.GetValue(data))))
            using (var g = new TorchSharp.torch.Generator(7))
            using (var subset = train.Images.index_select(0, TorchSharp.torch.randperm(train.Count, generator: g).narrow(0, 0, Math.Min(n * 10, train.Count))))
            using (var subsetFeatures = ClassifierTrainer.Features(classifier, subset))
            {
                var (m, c) = FeatureStatistics.Moments(subsetFeatures);
                floorEqualN = FrechetDistance.Compute(m, c, testMean, testCov);
                m.Dispose(); c.Dispose();
            }
            Console.WriteLine($"classifier test accuracy {testAccuracy:P2}; FID floor (60 000 train vs test) {floor:F3}; at n = {n * 10} train images {floorEqualN:F3}");

            var eval = new ModelEvaluation(net.Field, classifier, maxBatch: 64); // 64-128 rows per call: the fastest batch sizes in `bench model`
            var results = new List<GenerationMetrics>();
            foreach (var w in scales)
            {
                var settings = new GenerationSettings(w, kind, s, n, p.GetValue(seed));
                var bar = new ConsoleProgress($"eval w={w}");
                var m = eval.Evaluate(settings, testMean, testCov, (done, all) => bar.Report(done, all, "images"), ct);
                results.Add(m);
                Console.WriteLine($"guidance {w}: FID {m.Fid:F3} ({m.Fid / floor:F2}x the floor, {m.Fid / floorEqualN:F2}x at equal n), conditional accuracy {m.ConditionalAccuracy:P2}, {m.Nfe / (n * 10)} NFE per image, {m.SamplingTime.TotalSeconds:F0} s");
            }
            Console.WriteLine();
            Console.WriteLine("| guidance | sampler | steps (NFE) | images | FID | FID / floor | FID / floor at equal n | conditional accuracy |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|");
            foreach (var m in results)
                Console.WriteLine($"| {m.Settings.Guidance} | {kind.ToString().ToLowerInvariant()} | {s} ({m.Nfe / (n * 10)}) | {n * 10} | {m.Fid:F3} | {m.Fid / floor:F2} | {m.Fid / floorEqualN:F2} | {m.ConditionalAccuracy:P2} |");
            Console.WriteLine($"| training set | - | - | 60000 | {floor:F3} | 1.00 | - | {testAccuracy:P2} (classifier on the test set) |");
            Console.WriteLine($"| training subset | - | - | {n * 10} | {floorEqualN:F3} | {floorEqualN / floor:F2} | 1.00 | - |");
            if (reportPath is not null)
            {
                var json = new
                {
                    classifier_test_accuracy = testAccuracy,
                    fid_floor_train_vs_test = floor,
                    fid_floor_equal_n = floorEqualN,
                    floor_equal_n_images = n * 10,
                    per_class = n,
                    results = results.Select(m => new
                    {
                        guidance = m.Settings.Guidance,
                        sampler = m.Settings.Sampler.ToString().ToLowerInvariant(),
                        steps = m.Settings.Steps,
                        nfe_per_image = m.Nfe / (n * 10),
                        fid = m.Fid,
                        fid_over_floor = m.Fid / floor,
                        fid_over_floor_equal_n = m.Fid / floorEqualN,
                        conditional_accuracy = m.ConditionalAccuracy,
                        per_class_accuracy = FashionMnist.ClassNames.Zip(m.PerClassAccuracy).ToDictionary(x => x.First, x => x.Second),
                        sampling_seconds = m.SamplingTime.TotalSeconds,
                    }),
                };
                AtomicFile.Write(reportPath, JsonSerializer.SerializeToUtf8Bytes(json, new JsonSerializerOptions { WriteIndented = true }));
            }
            testMean.Dispose();
            testCov.Dispose();
            return Task.FromResult(0);
        });
        return cmd;
    }
}
