using GenerationPlatform.Diffusion.Checkpoints;
using GenerationPlatform.Verifiers.Classifier;
using GenerationPlatform.Verifiers.NoiseAware;
using static TorchSharp.torch;
using GenerationPlatform.Core.Verifiers;

namespace GenerationPlatform.Verifiers.Tests;

/// <summary>The `classifier` verifier's noise-aware head: its contract inside the verifier, its file, and its trainer.</summary>
public sealed class NoiseAwareRankerTests
{
    private static float[] Image(int seed, float offset = 0f)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, 784).Select(_ => Math.Clamp((float)(rng.NextDouble() * 2 - 1) * 0.5f + offset, -1f, 1f)).ToArray();
    }

    /// <summary>A head whose every weight is random (a fresh one's correction is zero), so that its predictions differ from the classifier's.</summary>
    private static NoiseAwareRanker Scrambled(int seed)
    {
        random.manual_seed(seed);
        var head = new NoiseAwareRanker();
        using (no_grad())
            foreach (var p in head.parameters()) p.normal_(0, 0.05);
        head.eval();
        return head;
    }

    [Fact]
    public void AnUntrainedHeadRanksExactlyAsTheClassifierOnTheX0PredictionAndAScrambledOneDoesNot()
    {
        using var classifier = ClassifierFiles.Load();
        random.manual_seed(7);
        using var fresh = new NoiseAwareRanker();
        fresh.eval();
        using var scrambled = Scrambled(8);
        var plain = new ClassifierVerifier(classifier);
        var batch = Enumerable.Range(0, 10).Select(i => new VerifierInput(Image(20 + i, 0.1f * (i % 4)), i, Time: 0.1f * (i % 9 + 1))).ToArray();
        var expected = plain.Score(batch.Select(b => b with { Time = 0f }).ToArray());
        var freshScores = new ClassifierVerifier(classifier, fresh).Score(batch);
        var scrambledScores = new ClassifierVerifier(classifier, scrambled).Score(batch);
        for (int i = 0; i < batch.Length; i++) Assert.Equal(expected[i], freshScores[i], 5);
        Assert.Contains(Enumerable.Range(0, batch.Length), i => Math.Abs(expected[i] - scrambledScores[i]) > 1e-3);
    }

    [Fact]
    public void TheRankingLossPrefersTheTargetsOrderAndIgnoresAnOffsetPerGroup()
    {
        using var targets = tensor(new[] { 0.2f, 0.6f, 0.9f, 0.99f, 0.5f, 0.7f, 0.8f, 0.95f }, [2, 4]);
        using var right = tensor(new[] { -1f, 0f, 1f, 2f, 0f, 0.5f, 1f, 2f }, [2, 4]);
        using var reversed = right.flip(1);
        using var shifted = right + tensor(new[] { 5f, -3f }).view(2, 1);
        double r = NoiseAwareTrainer.RankingLoss(right, targets).item<float>();
        Assert.True(r < NoiseAwareTrainer.RankingLoss(reversed, targets).item<float>());
        Assert.Equal(r, NoiseAwareTrainer.RankingLoss(shifted, targets).item<float>(), 5);
    }

    [Fact]
    public void RankingGroupsAreOneClassAtOneTenthOfTheTimeAxis()
    {
        using var examples = Examples([0.9f, 0.9f, 0.9f, 0.52f, 0.48f, 0.0f], [3, 3, 4, 3, 3, 3]);
        var groups = NoiseAwareTrainer.Groups(examples).Select(g => string.Join(",", g)).OrderBy(x => x).ToArray();
        Assert.Equal(new[] { "0,1", "2", "3,4", "5" }, groups);
        Assert.Equal(1.0, NoiseAwareTrainer.WithinGroupSpearman([[0, 1, 2], [3, 4, 5]], [1, 2, 3, 9, 8, 7], [10, 20, 30, 0.3, 0.2, 0.1]), 9);
        Assert.Equal(-1.0, NoiseAwareTrainer.WithinGroupSpearman([[0, 1, 2]], [3, 2, 1], [10, 20, 30]), 9);
    }

    private static NoiseAwareExamples Examples(float[] times, long[] labels)
    {
        int n = times.Length;
        return new NoiseAwareExamples(zeros(n, 1, 28, 28), tensor(times), tensor(labels), tensor(Enumerable.Range(0, n).Select(i => (long)i).ToArray()),
            full(n, 0.5f), zeros(n), zeros(n, FashionClassifier.FeatureDim));
    }

    [Fact]
    public void FinishedImagesGetTheClassifiersScoreAndX0PredictionsTheHeadsEachAtItsOwnIndexInAnyOrder()
    {
        using var classifier = ClassifierFiles.Load();
        using var head = Scrambled(3);
        var plain = new ClassifierVerifier(classifier);
        var verifier = new ClassifierVerifier(classifier, head);
        Assert.True(verifier.RanksNoisyInputs);
        Assert.False(plain.RanksNoisyInputs);
        var batch = Enumerable.Range(0, 12).Select(i => new VerifierInput(Image(i), i % 10, Time: i % 3 == 0 ? 0f : i % 3 == 1 ? 0.4f : 0.9f)).ToArray();
        var scores = verifier.Score(batch);
        for (int i = 0; i < batch.Length; i++)
        {
            double expected = batch[i].Time == 0f
                ? plain.Score([batch[i]])[0]
                : head.Predict(classifier, tensor(batch[i].Image, [1, 1, 28, 28]), tensor(new[] { batch[i].Time }), tensor(new long[] { batch[i].Label })).item<float>();
            Assert.Equal(expected, scores[i], 5);
        }
        var order = Enumerable.Range(0, batch.Length).Reverse().ToArray();
        var shuffled = verifier.Score(order.Select(i => batch[i]).ToArray());
        for (int k = 0; k < order.Length; k++) Assert.Equal(scores[order[k]], shuffled[k], 5);
    }

    [Theory]
    [InlineData(-0.1f)]
    [InlineData(1.5f)]
    [InlineData(float.NaN)]
    public void ATimeOutside0To1IsRefused(float time)
    {
        using var classifier = ClassifierFiles.Load();
        using var head = new NoiseAwareRanker();
        var e = Assert.Throws<ArgumentException>(() => new ClassifierVerifier(classifier, head).Score([new VerifierInput(Image(1), 3, Time: time)]));
        Assert.Contains("input 0", e.Message);
    }

    [Fact]
    public void WithoutAHeadTheClassifierRefusesX0PredictionsInsteadOfScoringThemAsFinished()
    {
        using var classifier = ClassifierFiles.Load();
        var e = Assert.Throws<ArgumentException>(() => new ClassifierVerifier(classifier).Score([new VerifierInput(Image(1), 3, Time: 0.5f)]));
        Assert.Contains("finished images", e.Message);
    }

    [Fact]
    public void TheHeadRoundTripsThroughItsFileInFloat16AndOtherFilesAreRefused()
    {
        var dir = Directory.CreateTempSubdirectory("noise-aware-");
        try
        {
            using var classifier = ClassifierFiles.Load();
            using var head = Scrambled(5);
            var path = Path.Combine(dir.FullName, "head.safetensors");
            NoiseAwareFiles.Save(path, head, "classifier", "test");
            using var loaded = NoiseAwareFiles.Load(path);
            using var x = tensor(Image(2), [1, 1, 28, 28]);
            using var t = tensor(new[] { 0.7f });
            using var y = tensor(new long[] { 4 });
            Assert.Equal(head.Predict(classifier, x, t, y).item<float>(), loaded.Predict(classifier, x, t, y).item<float>(), 2);
            var other = Path.Combine(dir.FullName, "classifier.safetensors");
            using (var c = new FashionClassifier()) SafeTensors.SaveModule(other, c, new Dictionary<string, string> { ["architecture"] = "genplat-fashion-classifier" });
            Assert.Throws<CheckpointException>(() => NoiseAwareFiles.Load(other));
            Assert.Null(NoiseAwareFiles.LoadIfPresent(Path.Combine(dir.FullName, "absent.safetensors")));
        }
        finally { dir.Delete(recursive: true); }
    }

    [Fact]
    public void TheCataloguesClassifierHasTheShippedHeadAndAnotherClassifierHasNone()
    {
        using var shipped = new VerifierCatalog();
        Assert.True(shipped.Get("classifier").RanksNoisyInputs);
        Assert.False(shipped.Get("class-gaussian").RanksNoisyInputs);
        using var other = new VerifierCatalog(classifierPath: ClassifierFiles.DefaultWeightsPath);
        Assert.False(other.Get("classifier").RanksNoisyInputs);
    }

    [Fact]
    public void TheTrainerLearnsToRankWithinAGroupByTheImageAndTheTime()
    {
        // Synthetic task: the "final score" rises with an image's brightness, and how bright an x0-prediction must look
        // depends on its time; the classifier's inputs carry nothing. A small run must rank held-out groups well.
        static NoiseAwareExamples Make(int n, int seed)
        {
            var rng = new Random(seed);
            var x0 = new float[n * 784];
            var t = new float[n];
            var labels = new long[n];
            var targets = new float[n];
            for (int i = 0; i < n; i++)
            {
                float level = (float)(rng.NextDouble() * 1.6 - 0.8), time = (float)rng.NextDouble();
                Image(seed * 10_000 + i, level).CopyTo(x0, i * 784);
                (t[i], labels[i]) = (time, rng.Next(2));
                targets[i] = 1f / (1f + MathF.Exp(-6f * (level - (0.4f * time - 0.2f))));
            }
            return new NoiseAwareExamples(tensor(x0, [n, 1, 28, 28]), tensor(t), tensor(labels), tensor(Enumerable.Range(0, n).Select(i => (long)i).ToArray()), tensor(targets),
                zeros(n), zeros(n, FashionClassifier.FeatureDim));
        }
        using var train = Make(768, 1);
        using var holdout = Make(300, 2);
        using var model = NoiseAwareTrainer.Train(train, holdout, new NoiseAwareTrainingOptions(Epochs: 4, BatchSize: 64, GroupSize: 16, Seed: 1));
        double rho = NoiseAwareTrainer.WithinGroupSpearman(model, holdout);
        Assert.True(rho > 0.6, $"held-out within-group Spearman {rho:F3}");
    }

    [Fact]
    public void SpearmanIsOneForAnyIncreasingMapMinusOneForADecreasingOneAndHandlesTies()
    {
        double[] a = [1, 2, 3, 4, 5];
        Assert.Equal(1.0, NoiseAwareTrainer.Spearman(a, a.Select(x => Math.Exp(x)).ToArray()), 9);
        Assert.Equal(-1.0, NoiseAwareTrainer.Spearman(a, a.Select(x => -x * x).ToArray()), 9);
        Assert.Equal(1.0, NoiseAwareTrainer.Spearman([1, 1, 2], [5, 5, 7]), 9);
        Assert.True(double.IsNaN(NoiseAwareTrainer.Spearman([1, 1, 1], [1, 2, 3])));
    }
}
