using System.Diagnostics;
using GenerationPlatform.Text;
using GenerationPlatform.Text.Training;
using GenerationPlatform.Tools;

namespace GenerationPlatform.Research.Training;

/// <summary>The coloured, captioned training set with its caption embeddings (encoded once, then read from the on-disk cache).</summary>
internal static class CaptionedTrainingData
{
    public static (ColourCaptionDataset Set, float[] Embeddings) Load(string? dataDir, CaptionSettings captions, CancellationToken ct)
    {
        var (captionsPerImage, cacheDir, threads) = (captions.PerImage, captions.CacheDir, captions.Threads);
        var clock = Stopwatch.StartNew();
        var set = ColourCaptionDataset.Build(FashionMnistFiles.Load(train: true, dataDir), captionsPerImage, captions.Limit, threads);
        Console.Error.WriteLine($"coloured {set.Count} images with {set.Count * captionsPerImage} captions ({set.Captions.Length} distinct) in {clock.Elapsed.TotalSeconds:F1} s");
        var cache = new CaptionEmbeddingCache(cacheDir, MiniLmTextEncoder.EncoderName, MiniLmTextEncoder.EmbeddingDimension);
        int cached = set.Captions.Count(c => cache.TryGet(c, out _));
        Console.Error.WriteLine($"{cached} of {set.Captions.Length} captions already in {cache.FilePath}");
        var bar = new ConsoleProgress("encode captions");
        clock.Restart();
        var vectors = cache.GetOrEncode(set.Captions, () => new MiniLmTextEncoder(), threads, 64,
            (done, total) => bar.Report(done, total, $"{clock.Elapsed.TotalSeconds:F0} s"), ct);
        var flat = new float[(long)vectors.Length * MiniLmTextEncoder.EmbeddingDimension];
        for (int i = 0; i < vectors.Length; i++) vectors[i].CopyTo(flat, (long)i * MiniLmTextEncoder.EmbeddingDimension);
        return (set, flat);
    }
}
