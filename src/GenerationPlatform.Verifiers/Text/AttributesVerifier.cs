using System.Collections.Concurrent;
using GenerationPlatform.Text;
using GenerationPlatform.Verifiers.Classifier;
using static TorchSharp.torch;
using GenerationPlatform.Core.Verifiers;

namespace GenerationPlatform.Verifiers.Text;

/// <summary>
/// `attributes` (the role of the VQA / LLM grader): reads what the prompt asks with <see cref="PromptParser"/> (class,
/// colour, orientation, surface) and scores the fraction of those the image has, with <see cref="AttributeCheck"/>:
/// the class from the Fashion classifier on the image's luminance (<see cref="ColourFashion.Luminance"/>, the maximum
/// over channels, which undoes the colouring exactly), the rest from the measurement functions. A prompt it cannot
/// parse scores 0 and is reported (<see cref="Explain"/> gives the reasons; <paramref name="log"/> hears each such
/// prompt once) rather than guessed at. Inputs without a prompt ask for their class only. Batched, order-safe and
/// thread-safe.
/// </summary>
public sealed class AttributesVerifier(FashionClassifier classifier, Action<string>? log = null) : IImageVerifier
{
    private const int CacheLimit = 4096;
    private readonly VerifierCostMeter meter = new();
    private readonly Lock gate = new();
    private readonly ConcurrentDictionary<string, ParsedPrompt> parsed = new(StringComparer.Ordinal);
    private long unparsedInputs;

    public string Name => "attributes";
    public VerifierCost Cost => meter.Snapshot;
    public double FlopsPerImage => Flops;

    /// <summary>
    /// FLOPs of one image's check: the classifier's forward pass on its luminance, and the measurement functions (colour,
    /// orientation, surface) bounded by 64 operations per value of the RGB image.
    /// </summary>
    public static double Flops { get; } = FashionClassifier.ForwardFlops + 64.0 * 3 * 784;

    /// <summary>Inputs scored 0 so far because their prompt was not understood.</summary>
    public long UnparsedInputs => Interlocked.Read(ref unparsedInputs);

    public double[] Score(IReadOnlyList<VerifierInput> batch, CancellationToken cancellationToken = default) =>
        Explain(batch, cancellationToken).Select(s => s.Fraction ?? 0.0).ToArray();

    /// <summary>The full check of each input, in order: what was asked, found and met, or why the prompt was not understood.</summary>
    public AttributeScore[] Explain(IReadOnlyList<VerifierInput> batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0) return [];
        var prompts = batch.Select((x, i) => Parse(x, i)).ToArray();
        var images = batch.Select((x, i) => TextImageInputs.Rgb(x, i)).ToArray();
        return meter.Measure(batch.Count, () =>
        {
            var predicted = PredictClasses(images);
            var scores = new AttributeScore[batch.Count];
            for (int i = 0; i < batch.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                scores[i] = AttributeCheck.Score(prompts[i], images[i], predicted[i]);
                if (!scores[i].Understood) Interlocked.Increment(ref unparsedInputs);
            }
            return scores;
        });
    }

    /// <summary>The Fashion classifier's class for each RGB image, read from its luminance.</summary>
    public int[] PredictClasses(IReadOnlyList<float[]> rgbImages)
    {
        ArgumentNullException.ThrowIfNull(rgbImages);
        if (rgbImages.Count == 0) return [];
        var data = new float[rgbImages.Count * ColourFashion.PixelsPerChannel];
        for (int i = 0; i < rgbImages.Count; i++) ColourFashion.Luminance(rgbImages[i]).CopyTo(data, i * ColourFashion.PixelsPerChannel);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var x = tensor(data, [rgbImages.Count, 1, ColourFashion.Side, ColourFashion.Side]).clamp_(-1, 1);
        Tensor classes;
        lock (gate) classes = classifier.forward(x).argmax(1);
        return classes.data<long>().ToArray().Select(c => (int)c).ToArray();
    }

    private ParsedPrompt Parse(VerifierInput input, int index)
    {
        if (input.Prompt is null)
        {
            if (input.Label < 0 || input.Label >= FashionClasses.Count)
                throw new ArgumentException($"input {index} has neither a prompt nor a class label in 0..{FashionClasses.Count - 1} (got {input.Label})");
            return new ParsedPrompt(input.Label, null, null, null, true, []);
        }
        if (parsed.TryGetValue(input.Prompt, out var known)) return known;
        var result = PromptParser.Parse(input.Prompt);
        if (parsed.Count >= CacheLimit) parsed.Clear();
        if (parsed.TryAdd(input.Prompt, result) && !result.Understood)
            log?.Invoke($"attributes: prompt not understood, scored 0: \"{input.Prompt}\": {string.Join("; ", result.Unparsed)}");
        return result;
    }
}
