using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using GenerationPlatform.Diffusion.Checkpoints;
using GenerationPlatform.Diffusion.Model;
using GenerationPlatform.Diffusion.Training;
using GenerationPlatform.Text;
using GenerationPlatform.Text.Training;
using static TorchSharp.torch;
using GenerationPlatform.Tools;

namespace GenerationPlatform.Cli.Commands;

/// <summary>
/// `genplat tune-text-projection`: teaches a text model's prompt projection (only it; the U-Net is untouched) the
/// <see cref="ClassVocabulary.ProjectionSynonyms"/>: each synonym caption is moved to where the untuned projection puts
/// the same caption with a training word, while every training caption's projection and the null condition's stay put.
/// It reports, on the synonyms kept out of the tuning (the last of each class), how much of the distance to their
/// teachers is left, and how far the training captions moved. docs/TEXT.md, "Paraphrases".
/// </summary>
internal static class TuneTextProjectionCommand
{
    private const string TunedKey = "text_projection_tuning";

    public static Command Create()
    {
        var weights = new Option<string>("--weights") { Description = "the text model's weights (.safetensors)", DefaultValueFactory = _ => Path.Combine("models", "fashion-text", "velocity-text.safetensors") };
        var output = new Option<string>("--out") { Description = "where to write the tuned weights (may be --weights itself)", Required = true };
        var perSynonym = new Option<int>("--per-synonym") { Description = "caption pairs per synonym", DefaultValueFactory = _ => 60 };
        var steps = new Option<int>("--steps") { Description = "optimisation steps", DefaultValueFactory = _ => 2_000 };
        var rank = new Option<int>("--rank") { Description = "0: tune the whole projection; above 0: a low-rank update of its first layer only", DefaultValueFactory = _ => 0 };
        var anchorWeight = new Option<double>("--anchor-weight") { Description = "weight of keeping the training captions' projections", DefaultValueFactory = _ => 1.0 };
        var captions = new Option<int>("--captions-per-image") { Description = "training captions per image (as the model was trained with)", DefaultValueFactory = _ => 3 };
        var cacheDir = new Option<string>("--cache-dir") { Description = "folder of the on-disk caption embedding cache", DefaultValueFactory = _ => TrainModelCommand.DefaultCacheDir };
        var data = new Option<string?>("--data") { Description = $"Fashion-MNIST folder (default {FashionMnistFiles.DefaultDirectory})" };
        var limit = new Option<int?>("--limit") { Description = "use only the first N training images' captions as anchors (smoke tests)" };
        var seed = new Option<long>("--seed") { DefaultValueFactory = _ => 1 };
        var cmd = new Command("tune-text-projection", "Teach a text model's prompt projection more class synonyms, keeping what it knows (docs/TEXT.md)")
        {
            weights, output, perSynonym, steps, rank, anchorWeight, captions, cacheDir, data, limit, seed,
        };
        cmd.SetAction((p, ct) =>
        {
            var inPath = p.GetValue(weights)!;
            var outPath = p.GetValue(output)!;
            CliParsing.EnsureWritable(outPath, "--out");
            int pairsPer = (int)CliParsing.InRange(CliParsing.Positive(p.GetValue(perSynonym), "--per-synonym"), "--per-synonym", 1, SynonymCaptions.MaxPerSynonym);
            int stepCount = (int)CliParsing.InRange(CliParsing.Positive(p.GetValue(steps), "--steps"), "--steps", 1, TextProjectionTuner.MaxSteps);
            double weight = CliParsing.InRange(p.GetValue(anchorWeight), "--anchor-weight", 0, 1_000);
            int rankValue = (int)CliParsing.InRange(p.GetValue(rank), "--rank", 0, 128);
            if (!File.Exists(inPath)) throw new CliArgumentException($"--weights: {inPath} does not exist");
            var (model, meta) = LoadText(inPath);
            using var _ = model;
            if (meta.TryGetValue(TunedKey, out var earlier))
                throw new CliArgumentException($"--weights: {inPath} is already tuned ({earlier}); tune the untuned weights instead");

            var clock = Stopwatch.StartNew();
            var (set, anchorFlat) = CaptionedTrainingData.Load(p.GetValue(data), CliParsing.Positive(p.GetValue(captions), "--captions-per-image"), p.GetValue(cacheDir)!, 2, p.GetValue(limit), ct);
            var distinct = set.Captions.Distinct(StringComparer.Ordinal).Count();
            var pairs = SynonymCaptions.Pairs(pairsPer, (ulong)p.GetValue(seed));
            var cache = new CaptionEmbeddingCache(p.GetValue(cacheDir)!, MiniLmTextEncoder.EncoderName, MiniLmTextEncoder.EmbeddingDimension);
            var bar = new ConsoleProgress("encode synonym captions");
            var texts = pairs.Select(x => x.Caption).Concat(pairs.Select(x => x.TeacherCaption)).ToArray();
            var vectors = cache.GetOrEncode(texts, () => new MiniLmTextEncoder(), 2, 64, (done, total) => bar.Report(done, total, ""), ct);
            int dim = MiniLmTextEncoder.EmbeddingDimension;
            Tensor Rows(IEnumerable<int> indices) => stack(indices.Select(i => tensor(vectors[i])).ToArray());
            var tuneIdx = Enumerable.Range(0, pairs.Count).Where(i => !pairs[i].Validation).ToArray();
            var valIdx = Enumerable.Range(0, pairs.Count).Where(i => pairs[i].Validation).ToArray();
            using var tunePairs = Rows(tuneIdx);
            using var tuneTeachers = Rows(tuneIdx.Select(i => i + pairs.Count));
            using var valPairs = Rows(valIdx);
            using var valTeachers = Rows(valIdx.Select(i => i + pairs.Count));
            using var anchors = tensor(anchorFlat, [anchorFlat.Length / dim, dim]);

            var projection = model.TextProjection!;
            using var valTargets = TextProjectionTuner.Project(projection, valTeachers);
            using var valBefore = TextProjectionTuner.Project(projection, valPairs);
            using var tuneTargets = TextProjectionTuner.Project(projection, tuneTeachers);
            using var tuneBefore = TextProjectionTuner.Project(projection, tunePairs);
            using var anchorBefore = TextProjectionTuner.Project(projection, anchors);
            double anchorSpread = TextProjectionTuner.MeanDistance(anchorBefore, anchorBefore.mean([0], keepdim: true).expand_as(anchorBefore));

            var options = new TextProjectionTuningOptions(Steps: stepCount, AnchorWeight: weight, Seed: p.GetValue(seed), Rank: rankValue);
            var tuneBar = new ConsoleProgress("tune-text-projection");
            TextProjectionTuner.Tune(model, tunePairs, tuneTeachers, anchors, options,
                e => tuneBar.Report(e.Step, e.Steps, $"pair loss {e.PairLoss:F4}  anchor loss {e.AnchorLoss:F5}  {e.Elapsed:hh\\:mm\\:ss}"), ct);
            ct.ThrowIfCancellationRequested();
            using var valAfter = TextProjectionTuner.Project(projection, valPairs);
            using var tuneAfter = TextProjectionTuner.Project(projection, tunePairs);
            using var anchorAfter = TextProjectionTuner.Project(projection, anchors);
            var seen = new ProjectionGap(TextProjectionTuner.MeanDistance(tuneBefore, tuneTargets), TextProjectionTuner.MeanDistance(tuneAfter, tuneTargets));
            var unseen = new ProjectionGap(TextProjectionTuner.MeanDistance(valBefore, valTargets), TextProjectionTuner.MeanDistance(valAfter, valTargets));
            double drift = TextProjectionTuner.MeanDistance(anchorAfter, anchorBefore) / anchorSpread;

            var held = string.Join(", ", ClassVocabulary.ProjectionSynonyms.Select(s => s[^1].Text));
            var provenance = string.Create(CultureInfo.InvariantCulture,
                $"genplat tune-text-projection --per-synonym {pairsPer} --steps {stepCount} --rank {rankValue} --anchor-weight {weight} --seed {options.Seed}: {tuneIdx.Length} synonym caption pairs, {distinct} training captions as anchors");
            var outMeta = new Dictionary<string, string>(meta)
            {
                [TunedKey] = provenance,
                ["description"] = (meta.TryGetValue("description", out var d) ? d + "; " : "") + "text projection tuned with " + provenance,
            };
            SafeTensors.SaveModule(outPath, model, outMeta, halfPrecision: true);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""

                | caption pairs | distance to the teacher before | after | left |
                |---|---|---|---|
                | tuned synonyms ({tuneIdx.Length}) | {seen.Before:F3} | {seen.After:F3} | {seen.Ratio:P1} |
                | held-out synonyms ({valIdx.Length}: {held}) | {unseen.Before:F3} | {unseen.After:F3} | {unseen.Ratio:P1} |

                training captions moved by {drift:P2} of their spread ({distinct} captions); wrote {outPath} in {clock.Elapsed:hh\:mm\:ss}
                """));
            return Task.FromResult(0);
        });
        return cmd;
    }

    private static (VelocityUNet Model, Dictionary<string, string> Metadata) LoadText(string path)
    {
        VelocityUNet model;
        Dictionary<string, string> meta;
        try { (model, meta) = VelocityModelFile.LoadWithMetadata(path); }
        catch (CheckpointException e) { throw new CliArgumentException($"--weights: {e.Message}"); }
        if (model.TextProjection is null)
        {
            model.Dispose();
            throw new CliArgumentException($"--weights: {path} is a class model; only text models have a prompt projection");
        }
        return (model, meta);
    }
}
