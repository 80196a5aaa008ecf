using System.Diagnostics;
using GenerationPlatform.Core.Model;
using GenerationPlatform.Diffusion.Checkpoints;
using GenerationPlatform.Diffusion.Data;
using GenerationPlatform.Diffusion.Model;
using GenerationPlatform.Diffusion.Training;
using GenerationPlatform.Text;
using GenerationPlatform.Tools;

namespace GenerationPlatform.Research.Training;

/// <summary><c>genplat-research train-model</c>: the flow-matching velocity network, class-conditional or (--text) prompt-conditioned RGB.</summary>
internal static class TrainModelCommand
{
    public static System.CommandLine.Command Create() => ToolCommand.Create("train-model",
        "Train the flow-matching velocity network on Fashion-MNIST: class-conditional, or with --text prompt-conditioned RGB", TrainModelSettings.Options, (p, ct) =>
        {
            Run(TrainModelSettings.Parse(p), ct).Write(Console.Out);
            return Task.FromResult(0);
        });

    /// <summary>Trains (resuming from the checkpoint folder) and writes the EMA weights in float16.</summary>
    public static TrainModelReport Run(TrainModelSettings settings, CancellationToken ct)
    {
        using var split = settings.Captions is { } captions
            ? LoadCaptioned(settings.Data, captions, ct)
            : new DatasetTensors(FashionMnist.Load(train: true, settings.Data));
        var bar = new ConsoleProgress("train-model");
        var clock = Stopwatch.StartNew();
        using var ema = new FlowMatchingTrainer(settings.Training, settings.CheckpointDir).Train(split,
            pr => bar.Report(pr.Step, pr.TotalSteps, $"loss {pr.Loss:F4}  {pr.ImagesPerSecond:F0} img/s  {pr.Elapsed:hh\\:mm\\:ss}"), ct);
        var what = settings.Text ? $"prompt-conditioned RGB on coloured Fashion-MNIST ({MiniLmTextEncoder.EncoderName})" : "class-conditional";
        SafeTensors.SaveModule(settings.Out, ema,
            VelocityModelFile.Metadata(settings.Training.Model, $"trained with genplat-research train-model, {what}, seed {settings.Training.Seed}"), halfPrecision: true);
        return new TrainModelReport(settings.Out, ema.ParameterCount(), ema.ForwardFlops(), clock.Elapsed);
    }

    /// <summary>Coloured Fashion-MNIST with its captions' embeddings, as tensors.</summary>
    private static DatasetTensors LoadCaptioned(string? dataDir, CaptionSettings captions, CancellationToken ct)
    {
        var (set, flat) = CaptionedTrainingData.Load(dataDir, captions, ct);
        return new DatasetTensors(set.Images, new ImageShape(ColourFashion.Channels, ColourFashion.Side, ColourFashion.Side), set.Classes, flat,
            MiniLmTextEncoder.EmbeddingDimension, set.CaptionIndex, captions.PerImage);
    }
}
