namespace GenerationPlatform.Text.Training;

/// <summary>
/// The training set of the text model: every image of a Fashion-MNIST split coloured by <see cref="ColourFashion"/>, each
/// with <see cref="CaptionsPerImage"/> captions from <see cref="CaptionGenerator"/> (caption <c>k</c> of image <c>i</c> uses
/// seed <see cref="CaptionSeed"/>(i, k)), so the whole set is a deterministic function of the split. Caption strings are
/// deduplicated (<see cref="Captions"/>) and each image points at its captions by index (<see cref="CaptionIndex"/>), so
/// each distinct caption is encoded once.
/// </summary>
public sealed class ColourCaptionDataset
{
    /// <summary>Salt of the caption seeds.</summary>
    public const ulong CaptionSalt = 0x7E47CA9;

    private ColourCaptionDataset(float[] images, int[] classes, ImageProperties[] properties, string[] captions, int[] captionIndex, int captionsPerImage)
    {
        Images = images;
        Classes = classes;
        Properties = properties;
        Captions = captions;
        CaptionIndex = captionIndex;
        CaptionsPerImage = captionsPerImage;
    }

    /// <summary>Images in the set.</summary>
    public int Count => Classes.Length;

    /// <summary>[Count, 3, 28, 28] channel-major in [-1, 1], flattened.</summary>
    public float[] Images { get; }

    /// <summary>The Fashion-MNIST label of each image.</summary>
    public int[] Classes { get; }

    /// <summary>What the recipe assigned or measured for each image (what its captions may say).</summary>
    public ImageProperties[] Properties { get; }

    /// <summary>The distinct caption strings, in order of first use.</summary>
    public string[] Captions { get; }

    /// <summary>[Count, CaptionsPerImage]: caption <c>k</c> of image <c>i</c> is <c>Captions[CaptionIndex[i * CaptionsPerImage + k]]</c>.</summary>
    public int[] CaptionIndex { get; }

    public int CaptionsPerImage { get; }

    /// <summary>The seed of caption <paramref name="k"/> of training image <paramref name="index"/>.</summary>
    public static ulong CaptionSeed(int index, int k) => StableHash.Mix(((ulong)index << 8) | (uint)k, CaptionSalt);

    /// <summary>The caption of image <paramref name="i"/> number <paramref name="k"/>.</summary>
    public string Caption(int i, int k) => Captions[CaptionIndex[i * CaptionsPerImage + k]];

    /// <summary>The RGB image <paramref name="i"/> (a copy).</summary>
    public float[] Image(int i) => Images.AsSpan(i * ColourFashion.RgbLength, ColourFashion.RgbLength).ToArray();

    /// <summary>
    /// Colours and captions the first <paramref name="limit"/> images of <paramref name="split"/> (all by default); the
    /// image's position in the split is its training index. Colouring runs in parallel on <paramref name="threads"/> threads.
    /// </summary>
    public static ColourCaptionDataset Build(FashionMnistImages split, int captionsPerImage = 3, int? limit = null, int threads = 2)
    {
        ArgumentNullException.ThrowIfNull(split);
        ArgumentOutOfRangeException.ThrowIfLessThan(captionsPerImage, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(captionsPerImage, 255);
        int n = Math.Min(limit ?? split.Count, split.Count);
        var images = new float[(long)n * ColourFashion.RgbLength];
        var classes = new int[n];
        var properties = new ImageProperties[n];
        var raw = new string[n * captionsPerImage];
        Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) }, i =>
        {
            var item = ColourFashion.Colourise(split, i);
            item.Rgb.CopyTo(images.AsSpan(i * ColourFashion.RgbLength, ColourFashion.RgbLength));
            classes[i] = item.Class;
            properties[i] = item.Properties;
            for (int k = 0; k < captionsPerImage; k++)
                raw[i * captionsPerImage + k] = CaptionGenerator.Caption(item.Properties, CaptionSeed(i, k));
        });
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var captions = new List<string>();
        var index = new int[raw.Length];
        for (int j = 0; j < raw.Length; j++)
        {
            if (!ids.TryGetValue(raw[j], out int id))
            {
                id = captions.Count;
                ids.Add(raw[j], id);
                captions.Add(raw[j]);
            }
            index[j] = id;
        }
        return new ColourCaptionDataset(images, classes, properties, [.. captions], index, captionsPerImage);
    }
}
