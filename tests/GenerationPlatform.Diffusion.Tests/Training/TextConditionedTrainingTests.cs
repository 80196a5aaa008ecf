using System.Text.Json;
using GenerationPlatform.Diffusion.Data;
using GenerationPlatform.Diffusion.Model;
using GenerationPlatform.Diffusion.Training;
using GenerationPlatform.Core.Model;

namespace GenerationPlatform.Diffusion.Tests.Training;

/// <summary>The flow-matching trainer on captioned RGB data (text models), at tiny sizes.</summary>
public sealed class TextConditionedTrainingTests : IDisposable
{
    private const int Images = 48, Captions = 5, PerImage = 2, Embedding = 12;
    private static readonly ImageShape Shape = new(3, 8, 8);
    private readonly string dir = Directory.CreateTempSubdirectory("text-train-tests-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static DatasetTensors Captioned(int embedding = Embedding, int badRow = -1)
    {
        var rng = new Random(11);
        var images = Enumerable.Range(0, Images * Shape.Size).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var vectors = Enumerable.Range(0, Captions * embedding).Select(_ => (float)rng.NextDouble()).ToArray();
        var index = Enumerable.Range(0, Images * PerImage).Select(i => i % Captions).ToArray();
        if (badRow >= 0) index[3] = badRow;
        return new DatasetTensors(images, Shape, Enumerable.Range(0, Images).Select(i => i % 10).ToArray(), vectors, embedding, index, PerImage);
    }

    private static FlowMatchingTrainingOptions Options(TimeSpan? budget = null) => new()
    {
        Epochs = 2, BatchSize = 8, WarmupSteps = 2, CheckpointEverySteps = 4, ProgressEverySteps = 1, Seed = 5, LabelDropout = 0.25, TimeBudget = budget,
        Model = new UNetConfig(BaseChannels: 8, EmbeddingDim: 16, AttentionHeads: 2, ImageChannels: 3, Height: 8, Width: 8, TextEmbedding: Embedding),
    };

    [Fact]
    public void CaptionedDataHoldsImagesEmbeddingsAndCaptionRows()
    {
        using var data = Captioned();
        Assert.Equal(Images, data.Count);
        Assert.Equal(Shape, data.Shape);
        Assert.Equal([Images, 3, 8, 8], data.Images.shape);
        Assert.Equal([Captions, Embedding], data.CaptionEmbeddings!.shape);
        Assert.Equal([Images, PerImage], data.CaptionIndex!.shape);
        Assert.Equal(PerImage, data.CaptionsPerImage);
    }

    [Fact]
    public void CaptionRowsOutsideTheEmbeddingsAreRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => Captioned(badRow: Captions));
        Assert.Contains("caption row", e.Message);
    }

    [Fact]
    public void ATextModelTrainsOnCaptionsAndTheLossFalls()
    {
        using var data = Captioned();
        var losses = new List<double>();
        using var ema = new FlowMatchingTrainer(Options() with { Epochs = 6 }, Path.Combine(dir, "a")).Train(data, p => losses.Add(p.Loss));
        Assert.True(ema.Config.IsText);
        Assert.Equal(36, losses.Count);
        Assert.All(losses, l => Assert.True(double.IsFinite(l)));
        Assert.True(losses.TakeLast(6).Average() < losses.Take(6).Average(),
            $"loss did not fall: {string.Join(", ", losses.Select(l => l.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)))}");
    }

    [Fact]
    public void AResumedTextRunEndsWhereAnUninterruptedRunEnds()
    {
        using var data = Captioned();
        using var straight = new FlowMatchingTrainer(Options(), Path.Combine(dir, "a")).Train(data);
        using var stop = new CancellationTokenSource();
        using (new FlowMatchingTrainer(Options(), Path.Combine(dir, "b")).Train(data, p => { if (p.Step >= 5) stop.Cancel(); }, stop.Token)) { }
        using var resumed = new FlowMatchingTrainer(Options(), Path.Combine(dir, "b")).Train(data);
        var a = straight.state_dict();
        var b = resumed.state_dict();
        foreach (var (name, tensor) in a)
            Assert.True(tensor.eq(b[name]).all().item<bool>(), $"{name} differs after resume");
    }

    [Fact]
    public void TheTimeBudgetStopsWithACheckpointAndARerunDoesNoMore()
    {
        using var data = Captioned();
        var ckpt = Path.Combine(dir, "t");
        var steps = new List<long>();
        using (new FlowMatchingTrainer(Options(TimeSpan.FromTicks(1)), ckpt).Train(data, p => steps.Add(p.Step))) { }
        long Step() => JsonDocument.Parse(File.ReadAllText(Path.Combine(ckpt, "trainer.json"))).RootElement.GetProperty("Step").GetInt64();
        Assert.Equal(1, Step()); // one step, then out of time: checkpointed although 1 is no multiple of 4
        using (new FlowMatchingTrainer(Options(TimeSpan.FromTicks(1)), ckpt).Train(data, p => steps.Add(p.Step))) { }
        Assert.Equal(1, Step());
        Assert.Single(steps);
    }

    [Fact]
    public void DataThatDoesNotFitTheModelIsRefused()
    {
        using var wrongSize = Captioned(embedding: Embedding + 1);
        Assert.Contains("embeddings", Assert.Throws<ArgumentException>(() => new FlowMatchingTrainer(Options(), Path.Combine(dir, "x")).Train(wrongSize)).Message);
        using var grayscale = new DatasetTensors(new FashionMnistSplit(new byte[16 * 784], new byte[16], 16));
        Assert.Contains("1x28x28", Assert.Throws<ArgumentException>(() => new FlowMatchingTrainer(Options(), Path.Combine(dir, "y")).Train(grayscale)).Message);
        var classModel = Options() with { Model = new UNetConfig(BaseChannels: 8, EmbeddingDim: 16, AttentionHeads: 2, ImageChannels: 3, Height: 8, Width: 8) };
        using var captioned = Captioned();
        using var trained = new FlowMatchingTrainer(classModel with { Epochs = 1 }, Path.Combine(dir, "z")).Train(captioned); // a class model reads the labels
        Assert.False(trained.Config.IsText);
    }
}
