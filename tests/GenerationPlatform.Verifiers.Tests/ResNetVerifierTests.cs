using GenerationPlatform.Diffusion.Checkpoints;
using GenerationPlatform.Verifiers.ResNet;
using static TorchSharp.torch;
using GenerationPlatform.Core.Verifiers;

namespace GenerationPlatform.Verifiers.Tests;

[Collection(ResNetCollection.Name)]
public sealed class ResNetVerifierTests(ResNetFixture fixture) : IDisposable
{
    private readonly ResNet18Features resnet = fixture.Features;
    private readonly string dir = Directory.CreateTempSubdirectory("genplat-resnet-tests-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    /// <summary>A head with random weights and a standardization that makes its outputs vary.</summary>
    private static ResNetProbeHead RandomHead(long seed)
    {
        TorchSharp.torch.random.manual_seed(seed);
        var head = new ResNetProbeHead();
        using var mean = rand(ResNet18Features.FeatureDim) * 0.5f;
        using var scale = rand(ResNet18Features.FeatureDim) + 0.5f;
        head.SetStandardization(mean, scale);
        head.eval();
        return head;
    }

    private string SaveHead(ResNetProbeHead head, string name = ResNetProbeFiles.WeightsFileName)
    {
        var path = Path.Combine(dir, name);
        SafeTensors.SaveModule(path, head, new Dictionary<string, string> { ["test_accuracy"] = "0.5000", ["train_images"] = "20", ["test_images"] = "10" });
        return path;
    }

    private static VerifierInput[] Batch() =>
    [
        new(Shapes.Rectangle(), 0, Shapes.Noisy(Shapes.Rectangle(), 0.3, 1)),
        new(Shapes.Disk(), 3, Shapes.Rectangle(4, 4, 24, 12)),
        new(Shapes.Disk(10, 10, 5), 7, Shapes.Disk(10, 10, 5)),
        new(Shapes.Rectangle(2, 12, 26, 16), 9, Shapes.Random(4)),
    ];

    [Fact]
    public void SelfConsistencyOfIdenticalProbeAndImageIsOne()
    {
        var verifier = new SelfConsistencyVerifier(resnet);
        Assert.True(verifier.NeedsProbe);
        Assert.Equal("self-consistency", verifier.Name);
        var disk = Shapes.Disk();
        var scores = verifier.Score([new VerifierInput(disk, 2, (float[])disk.Clone()), new VerifierInput(disk, 2, Shapes.Rectangle())]);
        Assert.Equal(1.0, scores[0], 5);
        Assert.True(scores[1] < scores[0]);
        Assert.Equal(2, verifier.Cost.Images);
    }

    [Fact]
    public void MissingProbeNamesTheInput()
    {
        var verifier = new SelfConsistencyVerifier(resnet);
        var e = Assert.Throws<ArgumentException>(() => verifier.Score([new VerifierInput(Shapes.Disk(), 0, Shapes.Disk()), new VerifierInput(Shapes.Disk(), 0)]));
        Assert.Contains("input 1", e.Message);
        Assert.Contains("probe", e.Message);
        Assert.Equal(0, verifier.Cost.Calls); // rejected before any work
    }

    [Fact]
    public void ProbeHeadRoundTripsThroughSafeTensors()
    {
        using var head = RandomHead(5);
        var path = SaveHead(head);
        var (loaded, meta) = ResNetProbeFiles.LoadWithMetadata(path);
        using var _ = loaded;
        Assert.Equal("0.5000", meta["test_accuracy"]);
        Assert.Equal(["feature_mean", "feature_scale", "linear.bias", "linear.weight"], loaded.state_dict().Keys.Order(StringComparer.Ordinal));
        var rng = new Random(6);
        var features = Enumerable.Range(0, 3).Select(_ => Enumerable.Range(0, 512).Select(_ => (float)(rng.NextDouble() * 4)).ToArray()).ToList();
        var before = head.Probabilities(features);
        var after = loaded.Probabilities(features);
        Assert.Equal(30, after.Length);
        for (int i = 0; i < before.Length; i++) Assert.Equal(before[i], after[i], 6);
        Assert.Equal(1.0, after.Take(10).Sum(), 5);
    }

    [Fact]
    public void MissingHeadSaysHowToTrainIt()
    {
        using var catalog = new VerifierCatalog(probeHeadPath: Path.Combine(dir, "absent.safetensors"));
        var e = Assert.Throws<CheckpointException>(() => catalog.Get("resnet-probe"));
        Assert.Contains("genplat-research train-probe", e.Message);
        Assert.Contains("absent.safetensors", e.Message);
    }

    [Theory]
    [InlineData("self-consistency")]
    [InlineData("resnet-probe")]
    public void WithoutTheModelFilesItsVerifiersAreUnknownHereSayingWhy(string verifier)
    {
        using var catalog = new VerifierCatalog(probeHeadPath: SaveHead(RandomHead(1)), resnetOptions: new ResNet18Options(ModelDirectory: dir));
        var e = Assert.Throws<UnknownVerifierException>(() => catalog.Get(verifier));
        Assert.Contains($"verifier '{verifier}' is not available here", e.Message);
        Assert.Contains(Path.Combine(dir, ResNet18Features.ModelFile), e.Message);
        Assert.Contains("GenPlatResNetModel=false", e.Message);
    }

    [Fact]
    public void ProbeVerifierScoresFollowInputOrder()
    {
        using var head = RandomHead(8);
        var verifier = new ResNetProbeVerifier(resnet, head);
        var batch = Batch();
        var forward = verifier.Score(batch);
        var backward = verifier.Score(batch.Reverse().ToArray());
        Assert.Equal(batch.Length, forward.Length);
        Assert.Equal(forward.Length, forward.Distinct().Count()); // distinct scores, so order matters
        for (int i = 0; i < batch.Length; i++) Assert.Equal(forward[i], backward[batch.Length - 1 - i], 5);
        Assert.All(forward, p => Assert.InRange(p, 0, 1));
        // The score is p(label): another label of the same image gives the matching other probability.
        var features = resnet.Extract([batch[0].Image]);
        Assert.Equal(head.Probabilities(features)[batch[0].Label], forward[0], 5);
    }

    [Fact]
    public void SelfConsistencyScoresFollowInputOrder()
    {
        var verifier = new SelfConsistencyVerifier(resnet);
        var batch = Batch();
        var forward = verifier.Score(batch);
        var backward = verifier.Score(batch.Reverse().ToArray());
        for (int i = 0; i < batch.Length; i++) Assert.Equal(forward[i], backward[batch.Length - 1 - i], 5);
        Assert.Equal(1.0, forward[2], 5); // the input whose probe is its image
        Assert.All(forward, c => Assert.InRange(c, -1.0001, 1.0001));
    }

    [Fact]
    public void ProbeVerifierRejectsBadLabels()
    {
        using var head = RandomHead(9);
        var verifier = new ResNetProbeVerifier(resnet, head);
        Assert.Throws<ArgumentOutOfRangeException>(() => verifier.Score([new VerifierInput(Shapes.Disk(), 10)]));
        Assert.Empty(verifier.Score([]));
    }

    [Fact]
    public void CatalogBuildsBothAndTheirEnsemble()
    {
        using var head = RandomHead(10);
        var path = SaveHead(head, "head.safetensors");
        using var catalog = new VerifierCatalog(probeHeadPath: path);
        Assert.Contains("resnet-probe", VerifierNames.BaseNames);
        Assert.Contains("self-consistency", VerifierNames.BaseNames);
        var ensemble = catalog.Get("ensemble(resnet-probe, self-consistency)");
        Assert.True(ensemble.NeedsProbe);
        Assert.Same(catalog.Get("resnet-probe"), ((EnsembleVerifier)ensemble).Members[0]);
        var batch = Batch();
        var scores = ensemble.Score(batch);
        Assert.Equal(batch.Length, scores.Length);
        Assert.All(scores, s => Assert.InRange(s, -batch.Length, -1));
        Assert.Equal(2 * batch.Length, ensemble.Cost.Images); // what its members scored on its behalf
        Assert.Equal(3, ensemble.Cost.Calls); // its own call and one per member
    }
}
