using System.Diagnostics;
using GenerationPlatform.Tools;
using GenerationPlatform.Verifiers.Text;

namespace GenerationPlatform.Research.Training;

/// <summary><c>genplat-research train-text-align</c>: the text-align verifier's image encoder, CLIP-style against the caption embeddings.</summary>
internal static class TrainTextAlignCommand
{
    public static System.CommandLine.Command Create() => ToolCommand.Create("train-text-align",
        "Train the text-align verifier's image encoder CLIP-style against the caption embeddings (docs/TEXT.md)", TrainTextAlignSettings.Options, (p, ct) =>
        {
            Run(TrainTextAlignSettings.Parse(p), ct).Write(Console.Out);
            return Task.FromResult(0);
        });

    public static TrainedFileReport Run(TrainTextAlignSettings settings, CancellationToken ct)
    {
        var (set, embeddings) = CaptionedTrainingData.Load(settings.Data, settings.Captions, ct);
        var bar = new ConsoleProgress("train-text-align");
        var clock = Stopwatch.StartNew();
        using var model = new TextAlignTrainer(settings.Training).Train(set.Images, embeddings, set.CaptionIndex, settings.Captions.PerImage,
            pr => bar.Report(pr.Step, pr.TotalSteps, $"loss {pr.Loss:F4}  in-batch accuracy {pr.Accuracy:P1}  {pr.Elapsed:hh\\:mm\\:ss}"), ct);
        TextAlignFiles.Save(settings.Out, model, $"trained with genplat-research train-text-align on {set.Count} coloured images, seed {settings.Training.Seed}");
        return new TrainedFileReport(settings.Out, model.parameters().Sum(t => t.numel()), clock.Elapsed);
    }
}
