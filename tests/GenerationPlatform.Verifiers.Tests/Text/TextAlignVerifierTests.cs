using GenerationPlatform.Text;
using GenerationPlatform.Verifiers.Text;
using GenerationPlatform.Core.Model;
using GenerationPlatform.Core.Verifiers;

namespace GenerationPlatform.Verifiers.Tests.Text;

public sealed class TextAlignVerifierTests : IDisposable
{
    private static readonly ImageShape Rgb = new(3, 28, 28);
    private readonly string dir = Directory.CreateTempSubdirectory("genplat-text-align-tests-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    /// <summary>A 28x28 item of one palette colour: a filled square whose position encodes a second property.</summary>
    private static float[] Square(string colour, bool left, double noise = 0, int seed = 0)
    {
        var gray = new float[ColourFashion.PixelsPerChannel];
        Array.Fill(gray, -1f);
        var rng = new Random(seed);
        int x0 = left ? 2 : 14;
        for (int y = 8; y < 20; y++)
            for (int x = x0; x < x0 + 12; x++)
                gray[y * 28 + x] = (float)Math.Clamp(0.8 + noise * (rng.NextDouble() * 2 - 1), -1, 1);
        return ColourFashion.Paint(gray, ColourFashion.FindColour(colour)!, flip: false);
    }

    private static TextAlignEncoder Tiny(long seed)
    {
        TorchSharp.torch.random.manual_seed(seed);
        var model = new TextAlignEncoder(width: 4);
        model.eval();
        return model;
    }

    [Fact]
    public void ScoresAreCosinesInTheirInputsOrderWhateverTheBatch()
    {
        using var model = Tiny(1);
        var verifier = new TextAlignVerifier(model, new FakeTextEncoder());
        VerifierInput[] batch =
        [
            new(Square("red", true), -1, Shape: Rgb, Prompt: "a red square"),
            new(Square("blue", false), -1, Shape: Rgb, Prompt: "a blue square on the right"),
            new(Square("green", true), -1, Shape: Rgb, Prompt: "a red square"),
            new(Square("red", true)[..784], 3), // a class model's grayscale input: scored against "a dress"
        ];
        var together = verifier.Score(batch);
        Assert.Equal(4, together.Length);
        Assert.All(together, s => Assert.InRange(s, -1.0 - 1e-5, 1.0 + 1e-5));
        for (int i = 0; i < batch.Length; i++)
            Assert.Equal(verifier.Score([batch[i]])[0], together[i], 5);
        var reversed = verifier.Score(batch.Reverse().ToArray());
        Assert.Equal(together.Reverse(), reversed, (a, b) => Math.Abs(a - b) < 1e-5);
        Assert.Empty(verifier.Score([]));
        Assert.Equal("text-align", verifier.Name);
        Assert.Equal(12, verifier.Cost.Images);
    }

    [Fact]
    public void AnInputWithNeitherPromptNorClassIsAnError()
    {
        using var model = Tiny(1);
        var verifier = new TextAlignVerifier(model, new FakeTextEncoder());
        var e = Assert.Throws<ArgumentException>(() => verifier.Score([new VerifierInput(Square("red", true), -1, Shape: Rgb)]));
        Assert.Contains("input 0", e.Message);
        Assert.Throws<ArgumentException>(() => verifier.Score([new VerifierInput(new float[3 * 32 * 32], -1, Shape: new ImageShape(3, 32, 32), Prompt: "x")]));
    }

    [Fact]
    public void ConcurrentCallsScoreAsSequentialOnesDo()
    {
        using var model = Tiny(2);
        var verifier = new TextAlignVerifier(model, new CachingTextEncoder(new FakeTextEncoder()));
        var inputs = Enumerable.Range(0, 24)
            .Select(i => new VerifierInput(Square(i % 2 == 0 ? "red" : "cyan", i % 3 == 0, 0.2, i), -1, Shape: Rgb, Prompt: $"prompt {i % 5}"))
            .ToArray();
        var expected = inputs.Select(x => verifier.Score([x])[0]).ToArray();
        var got = new double[inputs.Length];
        Parallel.For(0, inputs.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => got[i] = verifier.Score([inputs[i]])[0]);
        Assert.Equal(expected, got, (a, b) => Math.Abs(a - b) < 1e-5);
    }

    [Fact]
    public void TrainingAlignsImagesWithTheirCaptionsAndTheFileRoundTrips()
    {
        // Four kinds of image (two colours x two positions), each with its own caption; some images carry a second,
        // shared caption ("a square") that must not count as a negative.
        var encoder = new FakeTextEncoder();
        string[] captions = ["a red square on the left", "a red square on the right", "a blue square on the left", "a blue square on the right", "a square"];
        int n = 96;
        var images = new float[n * ColourFashion.RgbLength];
        var index = new int[n * 2];
        for (int i = 0; i < n; i++)
        {
            int kind = i % 4;
            Square(kind < 2 ? "red" : "blue", kind % 2 == 0, 0.1, i).CopyTo(images, i * ColourFashion.RgbLength);
            index[2 * i] = kind;
            index[2 * i + 1] = i % 8 < 4 ? kind : 4;
        }
        var embeddings = captions.SelectMany(encoder.Vector).ToArray();
        var progress = new List<TextAlignProgress>();
        using var model = new TextAlignTrainer(new TextAlignTrainingOptions { Width = 4, Epochs = 40, BatchSize = 32, LearningRate = 3e-3, Seed = 7 })
            .Train(images, embeddings, index, 2, progress.Add);
        Assert.NotEmpty(progress);
        Assert.True(progress[^1].Loss < progress[0].Loss, $"loss {progress[0].Loss} -> {progress[^1].Loss}");

        var verifier = new TextAlignVerifier(model, encoder);
        for (int kind = 0; kind < 4; kind++)
        {
            var image = Square(kind < 2 ? "red" : "blue", kind % 2 == 0, 0.1, 1000 + kind);
            var scores = verifier.Score(captions.Take(4).Select(c => new VerifierInput(image, -1, Shape: Rgb, Prompt: c)).ToArray());
            Assert.Equal(kind, Array.IndexOf(scores, scores.Max()));
        }

        var path = Path.Combine(dir, TextAlignFiles.WeightsFileName);
        TextAlignFiles.Save(path, model, "test");
        using var loaded = TextAlignFiles.Load(path);
        Assert.Equal(4, loaded.Width);
        var probe = new VerifierInput(Square("red", false), -1, Shape: Rgb, Prompt: captions[1]);
        Assert.Equal(verifier.Score([probe])[0], new TextAlignVerifier(loaded, encoder).Score([probe])[0], 5);
    }
}
