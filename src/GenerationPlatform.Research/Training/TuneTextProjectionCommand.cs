using System.Diagnostics;
using System.Globalization;
using GenerationPlatform.Diffusion.Checkpoints;
using GenerationPlatform.Diffusion.Model;
using GenerationPlatform.Diffusion.Training;
using GenerationPlatform.Text;
using GenerationPlatform.Tools;

namespace GenerationPlatform.Research.Training;

/// <summary>
/// <c>genplat-research tune-text-projection</c>: teaches a text model's prompt projection (only it; the U-Net is untouched)
/// the <see cref="ClassVocabulary.ProjectionSynonyms"/>: each synonym caption is moved to where the untuned projection puts
/// the same caption with a training word, while every training caption's projection and the null condition's stay put.
/// It reports, on the synonyms kept out of the tuning (the last of each class), how much of the distance to their teachers
/// is left, and how far the training captions moved. docs/TEXT.md, "Paraphrases".
/// </summary>
internal static class TuneTextProjectionCommand
{
    private const string TunedKey = "text_projection_tuning";

    public static System.CommandLine.Command Create() => ToolCommand.Create("tune-text-projection",
        "Teach a text model's prompt projection more class synonyms, keeping what it knows (docs/TEXT.md)", TuneTextProjectionSettings.Options, (p, ct) =>
        {
            Run(TuneTextProjectionSettings.Parse(p), ct).Write(Console.Out);
            return Task.FromResult(0);
        });

    public static TuneTextProjectionReport Run(TuneTextProjectionSettings settings, CancellationToken ct)
    {
        var (model, meta) = LoadText(settings.Weights);
        using var _ = model;
        if (meta.TryGetValue(TunedKey, out var earlier))
            throw new CliArgumentException($"--weights: {settings.Weights} is already tuned ({earlier}); tune the untuned weights instead");

        var clock = Stopwatch.StartNew();
        var (set, anchorFlat) = CaptionedTrainingData.Load(settings.Data, settings.Captions, ct);
        int distinct = set.Captions.Distinct(StringComparer.Ordinal).Count();
        using var pairs = SynonymPairTensors.Encode(settings.PerSynonym, (ulong)settings.Tuning.Seed, settings.Captions.CacheDir, anchorFlat, ct);
        var outcome = Tune(model, pairs, settings.Tuning, ct);

        var tuning = settings.Tuning;
        var provenance = string.Create(CultureInfo.InvariantCulture,
            $"genplat-research tune-text-projection --per-synonym {settings.PerSynonym} --steps {tuning.Steps} --rank {tuning.Rank} "
            + $"--anchor-weight {tuning.AnchorWeight} --seed {tuning.Seed}: "
            + $"{pairs.TuneCount} synonym caption pairs, {distinct} training captions as anchors");
        var outMeta = new Dictionary<string, string>(meta)
        {
            [TunedKey] = provenance,
            ["description"] = (meta.TryGetValue("description", out var d) ? d + "; " : "") + "text projection tuned with " + provenance,
        };
        SafeTensors.SaveModule(settings.Out, model, outMeta, halfPrecision: true);
        var held = string.Join(", ", ClassVocabulary.ProjectionSynonyms.Select(s => s[^1].Text));
        return new TuneTextProjectionReport(outcome, pairs.TuneCount, pairs.HeldOutCount, held, distinct, settings.Out, clock.Elapsed);
    }

    /// <summary>Tunes the projection, measuring the distances to the teachers and the anchors' drift before and after.</summary>
    private static ProjectionTuningOutcome Tune(VelocityUNet model, SynonymPairTensors pairs, TextProjectionTuningOptions options, CancellationToken ct)
    {
        var projection = model.TextProjection!;
        using var heldOutTargets = TextProjectionTuner.Project(projection, pairs.HeldOutTeachers);
        using var heldOutBefore = TextProjectionTuner.Project(projection, pairs.HeldOutPairs);
        using var tuneTargets = TextProjectionTuner.Project(projection, pairs.TuneTeachers);
        using var tuneBefore = TextProjectionTuner.Project(projection, pairs.TunePairs);
        using var anchorBefore = TextProjectionTuner.Project(projection, pairs.Anchors);
        double anchorSpread = TextProjectionTuner.MeanDistance(anchorBefore, anchorBefore.mean([0], keepdim: true).expand_as(anchorBefore));

        var bar = new ConsoleProgress("tune-text-projection");
        TextProjectionTuner.Tune(model, pairs.TunePairs, pairs.TuneTeachers, pairs.Anchors, options,
            e => bar.Report(e.Step, e.Steps, $"pair loss {e.PairLoss:F4}  anchor loss {e.AnchorLoss:F5}  {e.Elapsed:hh\\:mm\\:ss}"), ct);
        ct.ThrowIfCancellationRequested();
        using var heldOutAfter = TextProjectionTuner.Project(projection, pairs.HeldOutPairs);
        using var tuneAfter = TextProjectionTuner.Project(projection, pairs.TunePairs);
        using var anchorAfter = TextProjectionTuner.Project(projection, pairs.Anchors);
        return new ProjectionTuningOutcome(
            new ProjectionGap(TextProjectionTuner.MeanDistance(tuneBefore, tuneTargets), TextProjectionTuner.MeanDistance(tuneAfter, tuneTargets)),
            new ProjectionGap(TextProjectionTuner.MeanDistance(heldOutBefore, heldOutTargets), TextProjectionTuner.MeanDistance(heldOutAfter, heldOutTargets)),
            TextProjectionTuner.MeanDistance(anchorAfter, anchorBefore) / anchorSpread);
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
