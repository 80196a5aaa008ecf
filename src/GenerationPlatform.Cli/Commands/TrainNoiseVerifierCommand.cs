using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using GenerationPlatform.Evaluation;
using GenerationPlatform.Search;
using GenerationPlatform.Serving;
using GenerationPlatform.Verifiers.Classifier;
using GenerationPlatform.Verifiers.NoiseAware;
using static TorchSharp.torch;
using GenerationPlatform.Core.Sampling;
using GenerationPlatform.Core.Verifiers;
using GenerationPlatform.Tools;

namespace GenerationPlatform.Cli.Commands;

/// <summary>
/// `genplat train-noise-verifier`: trains the `classifier` verifier's noise-aware head (SEARCH.md section 3.4). It samples
/// trajectories of a class model with seeds of its own (disjoint from every evaluation's), captures the x0-predictions at
/// every grid time on the way down, labels each with the `classifier` score of its trajectory's finished image, fits
/// <see cref="NoiseAwareRanker"/>, and reports on held-out trajectories how well each time's ranking agrees with the
/// finished images' (Spearman), next to the classifier scoring the same x0-predictions as if finished.
/// </summary>
internal static class TrainNoiseVerifierCommand
{
    private const int MaxPerClass = 5_000;
    private const int MaxSteps = GenerationPlatform.Core.Sampling.TrajectorySpec.MaxX0Captures + 1;

    /// <summary>
    /// Most examples (10 classes x per-class x steps) one run holds: each is 784 floats, kept in a few copies at once (the
    /// trajectories, the array, its tensor, the train/held-out split) plus the classifier's features: about 4 GB here.
    /// </summary>
    private const long MaxExamples = 250_000;

    public static Command Create()
    {
        var model = new Option<string?>("--model") { Description = "class model whose trajectories it learns (default: the shipped model; its ONNX export is faster on a CPU)" };
        var perClass = new Option<int>("--per-class") { Description = "trajectories per class", DefaultValueFactory = _ => 400 };
        var steps = new Option<int>("--steps") { Description = "Heun steps of a trajectory (captures at every grid time)", DefaultValueFactory = _ => 10 };
        var guidance = new Option<double>("--guidance") { DefaultValueFactory = _ => GenerateCommand.DefaultGuidance };
        var epochs = new Option<int>("--epochs") { DefaultValueFactory = _ => 8 };
        var seed = new Option<ulong>("--seed") { Description = "trajectory seeds (kept apart from evaluation seeds) and training seed", DefaultValueFactory = _ => 20_261_130 };
        var output = new Option<string>("--out") { Description = "weights file", DefaultValueFactory = _ => "src/GenerationPlatform.Verifiers/Weights/" + NoiseAwareFiles.FileName };
        var report = new Option<string?>("--report") { Description = "also write the held-out agreement per time as JSON" };
        var cmd = new Command("train-noise-verifier", "Train the classifier verifier's noise-aware head, which ranks x0-predictions by the finished image's predicted score")
        {
            model, perClass, steps, guidance, epochs, seed, output, report,
        };
        cmd.SetAction(async (p, ct) =>
        {
            // Every example is held in memory (10 classes x per-class x steps images): both are bounded.
            int n = (int)CliParsing.InRange(CliParsing.Positive(p.GetValue(perClass), "--per-class"), "--per-class", 1, MaxPerClass);
            int s = CliParsing.Positive(p.GetValue(steps), "--steps");
            if (s < 2 || s > MaxSteps) throw new CliArgumentException($"--steps: 2 to {MaxSteps}, so that a trajectory has an intermediate time and its captures fit one trajectory");
            int epochCount = CliParsing.Positive(p.GetValue(epochs), "--epochs");
            float w = (float)p.GetValue(guidance);
            if (!(w >= 0 && float.IsFinite(w))) throw new CliArgumentException("--guidance: a finite scale >= 0");
            ulong baseSeed = p.GetValue(seed);
            var outPath = p.GetValue(output)!;
            CliParsing.EnsureWritable(outPath, "--out");
            var reportPath = p.GetValue(report);
            if (reportPath is not null) CliParsing.EnsureWritable(reportPath, "--report");

            using var net = CliModel.Open(p.GetValue(model));
            try { ModelEvaluation.CheckModel(net.Field); }
            catch (ArgumentException e) { throw new CliArgumentException($"--model: {e.Message}"); }
            if ((long)ModelEvaluation.ClassCount * n * s > MaxExamples)
                throw new CliArgumentException($"--per-class x --steps: {ModelEvaluation.ClassCount * (long)n * s:N0} examples (10 classes x per-class x steps) are more than the {MaxExamples:N0} one run holds in memory; lower either");
            var times = Enumerable.Range(1, s - 1).Select(k => 1f - k / (float)s).ToArray();
            int classes = ModelEvaluation.ClassCount, total = classes * n;
            // Seeds of their own: request seeds derived from (seed, class) never coincide with eval's (seed * 1 000 003 + i).
            var specs = Enumerable.Range(0, total).Select(j => new TrajectorySpec(new NoiseSeed(baseSeed ^ (0x9E37_79B9_7F4A_7C15UL * (ulong)(j % classes + 1)), 0, (uint)(j / classes)),
                j % classes, w, SamplerKind.Heun, s, X0Times: times)).ToArray();
            var denoiser = new LocalDenoiser(net.Field, maxBatch: 128);
            var outcomes = new DenoiseOutcome[total];
            var bar = new ConsoleProgress("trajectories");
            const int chunk = 200;
            for (int start = 0; start < total; start += chunk)
            {
                var part = await denoiser.DenoiseAsync(specs[start..Math.Min(total, start + chunk)], ct);
                part.CopyTo(outcomes, start);
                bar.Report(Math.Min(total, start + chunk), total, "trajectories");
            }
            using var classifier = ClassifierFiles.Load();
            var finalScores = new ClassifierVerifier(classifier).Score(outcomes.Select((o, j) => new VerifierInput(o.State, specs[j].Label)).ToArray(), ct);

            // Examples: every capture and the finished image (t = 0), each labelled with its trajectory's final score.
            int perTrajectory = times.Length + 1, pixels = outcomes[0].State.Length;
            var x0 = new float[(long)total * perTrajectory * pixels];
            var t = new float[total * perTrajectory];
            var labels = new long[total * perTrajectory];
            var trajectories = new long[total * perTrajectory];
            var targets = new float[total * perTrajectory];
            for (int j = 0, row = 0; j < total; j++)
            {
                var captures = outcomes[j].X0Predictions.Select(c => (c.Time, c.Image)).Append((0f, outcomes[j].State)).ToArray();
                if (captures.Length != perTrajectory) throw new InvalidOperationException($"trajectory {j} captured {captures.Length - 1} x0-predictions, expected {times.Length}");
                foreach (var (time, image) in captures)
                {
                    for (int k = 0; k < pixels; k++) x0[(long)row * pixels + k] = Math.Clamp(image[k], -1f, 1f);
                    (t[row], labels[row], trajectories[row], targets[row]) = (time, specs[j].Label, j, (float)finalScores[j]);
                    row++;
                }
                outcomes[j] = null!; // copied into x0: let the trajectory go
            }
            // The classifier's log-odds and features of every x0-prediction: the head corrects the classifier, so they are inputs.
            var logOdds = new float[total * perTrajectory];
            var features = new float[(long)total * perTrajectory * FashionClassifier.FeatureDim];
            const int scoreBatch = 1024;
            for (int start = 0; start < total * perTrajectory; start += scoreBatch)
            {
                ct.ThrowIfCancellationRequested();
                int count = Math.Min(scoreBatch, total * perTrajectory - start);
                using var scope = NewDisposeScope();
                var images = tensor(x0.AsSpan((int)((long)start * pixels), count * pixels).ToArray(), [count, 1, 28, 28]);
                var (l, f) = NoiseAwareRanker.ClassifierInputs(classifier, images, tensor(labels.AsSpan(start, count).ToArray()));
                l.data<float>().CopyTo(logOdds.AsSpan(start, count));
                f.contiguous().data<float>().CopyTo(features.AsSpan((int)((long)start * FashionClassifier.FeatureDim), count * FashionClassifier.FeatureDim));
            }
            using var all = new NoiseAwareExamples(tensor(x0, [total * perTrajectory, 1, 28, 28]), tensor(t), tensor(labels), tensor(trajectories), tensor(targets),
                tensor(logOdds), tensor(features, [total * perTrajectory, FashionClassifier.FeatureDim]));
            // Held out: every tenth trajectory of each class, whole (its captures never train).
            using var isHoldout = all.Trajectories.div(classes, rounding_mode: RoundingMode.floor).remainder(10).eq(0);
            using var holdoutIndex = isHoldout.nonzero().squeeze(1);
            using var trainIndex = isHoldout.logical_not().nonzero().squeeze(1);
            using var train = all.Select(trainIndex);
            using var holdout = all.Select(holdoutIndex);
            var options = new NoiseAwareTrainingOptions(Epochs: epochCount, Seed: (long)(baseSeed % int.MaxValue));
            var trainBar = new ConsoleProgress("train-noise-verifier");
            using var ranker = NoiseAwareTrainer.Train(train, holdout, options,
                e => trainBar.Report(e.Epoch, e.Epochs, $"loss {e.Loss:F4}  held-out within-request Spearman {e.HoldoutWithinGroupSpearman:F3}  {e.ImagesPerSecond:F0} img/s  {e.Elapsed:hh\\:mm\\:ss}", force: true), ct);
            var provenance = $"trained with genplat train-noise-verifier --model {net.Name} --per-class {n} --steps {s} --guidance {w.ToString(CultureInfo.InvariantCulture)} --epochs {epochCount} --seed {baseSeed}: "
                + $"{total} Heun trajectories, x0-predictions at t = {string.Join(", ", times.Select(x => x.ToString("0.##", CultureInfo.InvariantCulture)))} and the finished images, "
                + "labelled with the classifier verifier's score of the finished image; a ranking loss within one class at one time, on top of the classifier's log-odds";
            NoiseAwareFiles.Save(outPath, ranker, "classifier", provenance);
            using var shipped = NoiseAwareFiles.Load(outPath); // the agreement of the weights as shipped (float16)

            // Held-out agreement per time: the head's predictions and the plain classifier on the same x0-predictions, each
            // against the finished images' scores: across all held-out trajectories (which rewards knowing which classes score
            // low) and within one class (what a request's candidates are; Spearman per class, averaged over the classes).
            using var predicted = NoiseAwareTrainer.Predict(shipped, holdout);
            var head = predicted.data<float>().Select(v => (double)v).ToArray();
            var holdTimes = holdout.Times.data<float>().ToArray();
            var holdTargets = holdout.Targets.data<float>().Select(v => (double)v).ToArray();
            var holdLabels = holdout.Labels.data<long>().ToArray();
            var baseline = holdout.ClassifierLogOdds.data<float>().Select(v => 1.0 / (1.0 + Math.Exp(-v))).ToArray();
            var rows = times.Append(0f).Select(time =>
            {
                var idx = Enumerable.Range(0, holdTimes.Length).Where(i => holdTimes[i] == time).ToArray();
                var byClass = idx.GroupBy(i => holdLabels[i]).Select(g => g.Select(i => (long)i).ToArray()).ToArray();
                return new
                {
                    t = time,
                    trajectories = idx.Length,
                    spearman_noise_aware = NoiseAwareTrainer.Spearman(idx.Select(i => head[i]).ToArray(), idx.Select(i => holdTargets[i]).ToArray()),
                    spearman_classifier_on_x0 = NoiseAwareTrainer.Spearman(idx.Select(i => baseline[i]).ToArray(), idx.Select(i => holdTargets[i]).ToArray()),
                    within_class_spearman_noise_aware = NoiseAwareTrainer.WithinGroupSpearman(byClass, head, holdTargets),
                    within_class_spearman_classifier_on_x0 = NoiseAwareTrainer.WithinGroupSpearman(byClass, baseline, holdTargets),
                };
            }).ToArray();
            Console.WriteLine();
            Console.WriteLine("| t | held-out trajectories | Spearman within a class: head | within a class: classifier on x0 | across classes: head | across classes: classifier on x0 |");
            Console.WriteLine("|---|---|---|---|---|---|");
            foreach (var r in rows)
                Console.WriteLine($"| {r.t:0.##} | {r.trajectories} | {r.within_class_spearman_noise_aware:F3} | {r.within_class_spearman_classifier_on_x0:F3} | {r.spearman_noise_aware:F3} | {r.spearman_classifier_on_x0:F3} |");
            Console.WriteLine($"wrote {outPath}: {provenance}");
            if (reportPath is not null)
                AtomicFile.Write(reportPath, JsonSerializer.SerializeToUtf8Bytes(new { provenance, final_score_mean = finalScores.Average(), per_time = rows },
                    new JsonSerializerOptions { WriteIndented = true }));
            return 0;
        });
        return cmd;
    }
}
