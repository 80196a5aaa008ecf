using GenerationPlatform.Diffusion.Data;
using static TorchSharp.torch;
using GenerationPlatform.Core.Model;

namespace GenerationPlatform.Diffusion.Training;

/// <summary>
/// A training set as tensors: images [N, C, H, W] in [-1, 1] and int64 labels [N]; for text models also the distinct
/// caption embeddings [U, E] and, per image, the rows of its captions [N, K] (int64), of which the trainer draws one per
/// step.
/// </summary>
public sealed class DatasetTensors : IDisposable
{
    public Tensor Images { get; }
    public Tensor Labels { get; }
    public int Count { get; }

    /// <summary>The distinct caption embeddings [U, E], float32 (text sets only).</summary>
    public Tensor? CaptionEmbeddings { get; }

    /// <summary>[N, K] int64 rows of <see cref="CaptionEmbeddings"/>: the K captions of each image (text sets only).</summary>
    public Tensor? CaptionIndex { get; }

    public int CaptionsPerImage { get; }

    public ImageShape Shape { get; }

    /// <summary>Fashion-MNIST's grayscale split, with its class labels.</summary>
    public DatasetTensors(FashionMnistSplit split)
    {
        Count = split.Count;
        Shape = new ImageShape(1, FashionMnistSplit.Side, FashionMnistSplit.Side);
        using var raw = tensor(split.Pixels, [split.Count, 1, FashionMnistSplit.Side, FashionMnistSplit.Side]);
        Images = raw.to(ScalarType.Float32).div_(127.5f).sub_(1f);
        Labels = tensor(split.Labels.Select(b => (long)b).ToArray());
    }

    /// <summary>
    /// A captioned set: <paramref name="images"/> holds N images of <paramref name="shape"/> (channel-major, [-1, 1]);
    /// <paramref name="captionEmbeddings"/> U vectors of <paramref name="embeddingSize"/> values; and
    /// <paramref name="captionIndex"/> N x <paramref name="captionsPerImage"/> rows into them.
    /// </summary>
    public DatasetTensors(float[] images, ImageShape shape, int[] labels, float[] captionEmbeddings, int embeddingSize, int[] captionIndex, int captionsPerImage)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(captionEmbeddings);
        ArgumentNullException.ThrowIfNull(captionIndex);
        ArgumentOutOfRangeException.ThrowIfLessThan(embeddingSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(captionsPerImage, 1);
        int n = labels.Length;
        if ((long)n * shape.Size != images.Length)
            throw new ArgumentException($"{images.Length} values are not {n} images of {shape.Channels}x{shape.Height}x{shape.Width}", nameof(images));
        if (captionEmbeddings.Length % embeddingSize != 0)
            throw new ArgumentException($"{captionEmbeddings.Length} values are not whole {embeddingSize}-d embeddings", nameof(captionEmbeddings));
        if ((long)n * captionsPerImage != captionIndex.Length)
            throw new ArgumentException($"{captionIndex.Length} caption rows for {n} images x {captionsPerImage}", nameof(captionIndex));
        long u = captionEmbeddings.Length / embeddingSize;
        if (captionIndex.Any(r => r < 0 || r >= u)) throw new ArgumentException($"a caption row is outside 0..{u - 1}", nameof(captionIndex));
        Count = n;
        Shape = shape;
        CaptionsPerImage = captionsPerImage;
        Images = tensor(images, shape.Batch(n));
        Labels = tensor(labels.Select(l => (long)l).ToArray());
        CaptionEmbeddings = tensor(captionEmbeddings, [u, embeddingSize]);
        CaptionIndex = tensor(captionIndex.Select(r => (long)r).ToArray(), [n, captionsPerImage]);
    }

    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
        CaptionEmbeddings?.Dispose();
        CaptionIndex?.Dispose();
    }
}
