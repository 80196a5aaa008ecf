using GenerationPlatform.Text;
using GenerationPlatform.Text.Training;

namespace GenerationPlatform.Verifiers.Tests.Text;

/// <summary>The coloured caption dataset and the on-disk caption embedding cache (the text model's and text-align's training data).</summary>
public sealed class CaptionTrainingDataTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("genplat-caption-cache-tests-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void TheDatasetIsADeterministicFunctionOfTheSplitWithDeduplicatedCaptions()
    {
        var split = FashionMnistFiles.Load(train: true);
        var a = ColourCaptionDataset.Build(split, captionsPerImage: 3, limit: 200);
        var b = ColourCaptionDataset.Build(split, captionsPerImage: 3, limit: 200, threads: 1);
        Assert.Equal(200, a.Count);
        Assert.Equal(a.Images, b.Images);
        Assert.Equal(a.Captions, b.Captions);
        Assert.Equal(a.CaptionIndex, b.CaptionIndex);
        Assert.Equal(a.Captions.Length, a.Captions.Distinct(StringComparer.Ordinal).Count());
        Assert.True(a.Captions.Length < 600, "identical captions share one entry");
        for (int i = 0; i < a.Count; i++)
        {
            var item = ColourFashion.Colourise(split, i);
            Assert.Equal(item.Rgb, a.Image(i));
            Assert.Equal(split.Labels[i], a.Classes[i]);
            for (int k = 0; k < 3; k++)
                Assert.Equal(CaptionGenerator.Caption(item.Properties, ColourCaptionDataset.CaptionSeed(i, k)), a.Caption(i, k));
        }
    }

    [Fact]
    public void TheCacheEncodesEachCaptionOnceAndSurvivesACutShortRecord()
    {
        var encoder = new FakeTextEncoder(dimension: 8);
        string[] captions = ["a red coat", "a bag", "a red coat", "trousers facing left"];
        var cache = new CaptionEmbeddingCache(dir, "fake", 8);
        var first = cache.GetOrEncode(captions, () => new FakeTextEncoder(8), threads: 2, batchSize: 1);
        Assert.Equal(captions.Select(encoder.Vector), first);

        var counting = new FakeTextEncoder(8);
        var reopened = new CaptionEmbeddingCache(dir, "fake", 8);
        Assert.Equal(3, reopened.Count);
        Assert.Equal(first, reopened.GetOrEncode(captions, () => counting));
        Assert.Equal(0, counting.Encoded);
        Assert.Equal(encoder.Vector("a dress"), reopened.GetOrEncode(["a dress"], () => counting)[0]);
        Assert.Equal(1, counting.Encoded);

        // A crash mid-record: the partial record is ignored, then overwritten by the next append.
        var file = reopened.FilePath;
        File.WriteAllBytes(file, File.ReadAllBytes(file)[..^5]);
        var cut = new CaptionEmbeddingCache(dir, "fake", 8);
        Assert.Equal(3, cut.Count);
        Assert.False(cut.TryGet("a dress", out _));
        cut.GetOrEncode(["a dress", "a sandal"], () => new FakeTextEncoder(8));
        var again = new CaptionEmbeddingCache(dir, "fake", 8);
        Assert.Equal(5, again.Count);
        Assert.True(again.TryGet("a sandal", out var sandal));
        Assert.Equal(encoder.Vector("a sandal"), sandal);
    }

    [Fact]
    public void AnEncoderOfAnotherSizeIsRefused()
    {
        var cache = new CaptionEmbeddingCache(dir, "fake", 8);
        var e = Assert.Throws<AggregateException>(() => cache.GetOrEncode(["a coat"], () => new FakeTextEncoder(4)));
        Assert.Contains("gives 4 values", e.InnerException!.Message);
    }
}
