using GenerationPlatform.Evaluation;
using GenerationPlatform.Text;
using static TorchSharp.torch;

namespace GenerationPlatform.Research.TextEval;

/// <summary>
/// The prompt benchmark's judge of class: the evaluation classifier (docs/MODEL.md; no verifier uses it, so the
/// `attributes` verifier, which reads class with the shipped classifier, never grades its own homework) on each RGB
/// image's luminance. Its features are the per-class FID's too.
/// </summary>
internal sealed class TextBenchmarkGrader(EvaluationClassifier classifier) : IDisposable
{
    private const int Batch = 512;

    public const string Description = "the evaluation classifier (docs/MODEL.md; no verifier uses it) on luminance";

    public static TextBenchmarkGrader Load() => new(EvaluationClassifierFiles.Load());

    /// <summary>The class of each RGB image (channel-major, [-1, 1]), read from its luminance.</summary>
    public int[] PredictClasses(IReadOnlyList<float[]> rgbImages)
    {
        ArgumentNullException.ThrowIfNull(rgbImages);
        var classes = new int[rgbImages.Count];
        for (int start = 0; start < rgbImages.Count; start += Batch)
        {
            int n = Math.Min(Batch, rgbImages.Count - start);
            var data = new float[n * ColourFashion.PixelsPerChannel];
            for (int i = 0; i < n; i++) ColourFashion.Luminance(rgbImages[start + i]).CopyTo(data, i * ColourFashion.PixelsPerChannel);
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            var x = tensor(data, [n, 1, ColourFashion.Side, ColourFashion.Side]).clamp_(-1, 1);
            var predicted = classifier.forward(x).argmax(1).data<long>().ToArray();
            for (int i = 0; i < n; i++) classes[start + i] = (int)predicted[i];
        }
        return classes;
    }

    /// <summary>The classifier's features of [N, 1, 28, 28] grayscale images, in batches.</summary>
    public Tensor Features(Tensor images) => EvaluationClassifierTrainer.Features(classifier, images, Batch);

    public void Dispose() => classifier.Dispose();
}
