using GenerationPlatform.Text;
using GenerationPlatform.Verifiers.Classifier;
using GenerationPlatform.Verifiers.Text;
using GenerationPlatform.Core.Model;
using GenerationPlatform.Core.Verifiers;

namespace GenerationPlatform.Verifiers.Tests.Text;

/// <summary>The `attributes` verifier on real Fashion-MNIST test images coloured by the recipe, with the shipped classifier.</summary>
public sealed class AttributesVerifierTests : IDisposable
{
    private static readonly ImageShape Rgb = new(3, 28, 28);
    private readonly FashionClassifier classifier = ClassifierFiles.Load();
    private readonly List<string> log = [];
    private readonly AttributesVerifier verifier;
    private readonly float[] leftSneakerGray;

    public AttributesVerifierTests()
    {
        verifier = new AttributesVerifier(classifier, m => { lock (log) log.Add(m); });
        // The first test-set sneaker the classifier recognises and whose toe the measurement finds on the left.
        var test = FashionMnistFiles.Load(train: false);
        leftSneakerGray = Enumerable.Range(0, test.Count).Where(i => test.Labels[i] == FashionClasses.Sneaker).Select(test.Image)
            .First(g =>
            {
                var rgb = ColourFashion.Paint(g, ColourFashion.FindColour("red")!, flip: false);
                return FashionMeasurements.MeasureOrientation(rgb).Orientation == Orientations.Left && verifier.PredictClasses([rgb])[0] == FashionClasses.Sneaker;
            });
    }

    public void Dispose() => classifier.Dispose();

    private float[] Sneaker(string colour, bool flip) => ColourFashion.Paint(leftSneakerGray, ColourFashion.FindColour(colour)!, flip);

    private static VerifierInput Input(float[] image, string prompt) => new(image, -1, Shape: Rgb, Prompt: prompt);

    [Fact]
    public void ScoresTheFractionOfAskedPropertiesMet()
    {
        var scores = verifier.Score(
        [
            Input(Sneaker("red", false), "a red sneaker facing left"),
            Input(Sneaker("blue", false), "a red sneaker facing left"),
            Input(Sneaker("blue", true), "a red sneaker facing left"),
            Input(Sneaker("green", true), "a photo of a green trainer facing right"),
            Input(Sneaker("green", true), "a green coat"),
        ]);
        Assert.Equal([1.0, 2.0 / 3, 1.0 / 3, 1.0, 0.5], scores, (a, b) => Math.Abs(a - b) < 1e-9);
        Assert.Empty(log);
    }

    [Fact]
    public void APromptItCannotParseScoresZeroAndSaysWhy()
    {
        string prompt = "a sneaker that is not red";
        var explained = verifier.Explain([Input(Sneaker("red", false), prompt), Input(Sneaker("red", false), prompt)]);
        Assert.All(explained, e =>
        {
            Assert.False(e.Understood);
            Assert.Null(e.Fraction);
            Assert.NotEmpty(e.Reasons);
        });
        Assert.Equal([0.0], verifier.Score([Input(Sneaker("red", false), prompt)]));
        Assert.Equal(3, verifier.UnparsedInputs);
        var line = Assert.Single(log); // reported once per prompt, not per image
        Assert.Contains(prompt, line);
        Assert.Contains("scored 0", line);
        Assert.Equal([0.0], verifier.Score([Input(Sneaker("red", false), "a purple giraffe")]));
    }

    [Fact]
    public void ScoresAreOrderSafeAndThreadSafe()
    {
        string[] prompts = ["a red sneaker", "a blue sneaker facing right", "a sneaker facing left", "a pink bag", "trousers"];
        string[] colours = ["red", "blue", "pink", "cyan"];
        var inputs = Enumerable.Range(0, 20).Select(i => Input(Sneaker(colours[i % 4], i % 3 == 0), prompts[i % 5])).ToArray();
        var together = verifier.Score(inputs);
        var alone = inputs.Select(x => verifier.Score([x])[0]).ToArray();
        Assert.Equal(alone, together);
        var reversed = verifier.Score(inputs.Reverse().ToArray());
        Assert.Equal(together.Reverse(), reversed);
        var parallel = new double[inputs.Length];
        Parallel.For(0, inputs.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => parallel[i] = verifier.Score([inputs[i]])[0]);
        Assert.Equal(alone, parallel);
    }

    [Fact]
    public void GrayscaleImagesHaveNoColourAndClassInputsAskTheirClass()
    {
        var gray = leftSneakerGray;
        Assert.Equal([0.5], verifier.Score([new VerifierInput(gray, -1, Prompt: "a red sneaker")]));
        Assert.Equal([1.0], verifier.Score([new VerifierInput(gray, FashionClasses.Sneaker)]));
        Assert.Equal([0.0], verifier.Score([new VerifierInput(gray, FashionClasses.Bag)]));
        Assert.Throws<ArgumentException>(() => verifier.Score([new VerifierInput(gray, -1)]));
    }

    [Fact]
    public void TheCatalogBuildsBothTextVerifiersAndTheirEnsemble()
    {
        string path = Path.Combine(Path.GetTempPath(), $"genplat-text-align-{Guid.NewGuid():N}.safetensors");
        using (var tiny = new TextAlignEncoder(width: 4)) TextAlignFiles.Save(path, tiny, "test");
        try
        {
            using var catalog = new VerifierCatalog(textAlignPath: path);
            Assert.Contains("text-align", VerifierNames.BaseNames);
            Assert.Contains("attributes", VerifierNames.BaseNames);
            var ensemble = catalog.Get("ensemble(text-align, attributes)");
            var inputs = new[] { Input(Sneaker("red", false), "a red sneaker facing left"), Input(Sneaker("blue", true), "a red sneaker facing left") };
            var scores = ensemble.Score(inputs);
            Assert.Equal(2, scores.Length);
            Assert.All(scores, s => Assert.True(double.IsFinite(s)));
            Assert.Equal([1.0, 1.0 / 3], catalog.Get("attributes").Score(inputs), (a, b) => Math.Abs(a - b) < 1e-9);
        }
        finally { File.Delete(path); }
    }
}
