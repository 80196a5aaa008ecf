using GenerationPlatform.Diffusion.Data;
using GenerationPlatform.Diffusion.Model;
using GenerationPlatform.Diffusion.Training;

namespace GenerationPlatform.Diffusion.Tests;

public sealed class TrainingResumeTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("train-tests-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static DatasetTensors Synthetic()
    {
        var rng = new Random(5);
        var pixels = new byte[96 * 784];
        rng.NextBytes(pixels);
        var labels = Enumerable.Range(0, 96).Select(i => (byte)(i % 10)).ToArray();
        return new DatasetTensors(new FashionMnistSplit(pixels, labels, 96));
    }

    private static readonly FlowMatchingTrainingOptions Options = new()
    {
        Epochs = 2, BatchSize = 16, WarmupSteps = 2, CheckpointEverySteps = 4, ProgressEverySteps = 1, Seed = 3,
        Model = new UNetConfig(BaseChannels: 8, EmbeddingDim: 16, AttentionHeads: 2),
    };

    [Fact]
    public void AResumedRunEndsWhereAnUninterruptedRunEnds()
    {
        using var data = Synthetic();
        using var straight = new FlowMatchingTrainer(Options, Path.Combine(dir, "a")).Train(data);

        // Stop after 5 of 12 steps (a checkpoint is written on the way out), then resume in a new trainer.
        using var stop = new CancellationTokenSource();
        var stopping = new FlowMatchingTrainer(Options, Path.Combine(dir, "c"));
        using (stopping.Train(data, p => { if (p.Step >= 5) stop.Cancel(); }, stop.Token)) { }
        using var resumed = new FlowMatchingTrainer(Options, Path.Combine(dir, "c")).Train(data);

        var a = straight.state_dict();
        var c = resumed.state_dict();
        foreach (var (name, tensor) in a)
            Assert.True(tensor.eq(c[name]).all().item<bool>(), $"{name} differs after resume");
    }
}
