using GenerationPlatform.Text;
using static TorchSharp.torch;
using GenerationPlatform.Core.Verifiers;

namespace GenerationPlatform.Verifiers.Text;

/// <summary>
/// `text-align` (the CLIPScore role): cosine in [-1, 1] between the image's embedding and the prompt's, both from the
/// contrastive <see cref="TextAlignEncoder"/>; the prompt's sentence embedding comes from the text encoder (behind its
/// per-prompt cache, so a search's repeated prompt is encoded once). Inputs without a prompt are scored against their
/// class's name. Batched and order-safe (score i is input i's); thread-safe.
/// </summary>
public sealed class TextAlignVerifier(TextAlignEncoder model, ITextEncoder textEncoder) : IImageVerifier
{
    private readonly VerifierCostMeter meter = new();
    private readonly Lock gate = new();

    public string Name => "text-align";
    public VerifierCost Cost => meter.Snapshot;
    public double FlopsPerImage => model.ScoreFlops;

    public double[] Score(IReadOnlyList<VerifierInput> batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0) return [];
        var prompts = batch.Select((x, i) => TextImageInputs.Prompt(x, i)).ToArray();
        return meter.Measure(batch.Count, () =>
        {
            var vectors = textEncoder.Encode(prompts, cancellationToken);
            var flat = new float[batch.Count * textEncoder.Dimension];
            for (int i = 0; i < vectors.Length; i++) vectors[i].CopyTo(flat, i * textEncoder.Dimension);
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            var images = TextImageInputs.Stack(batch);
            var embeddings = tensor(flat, [batch.Count, textEncoder.Dimension]);
            Tensor cosine;
            lock (gate) cosine = (model.forward(images) * model.Text(embeddings)).sum(1);
            return cosine.data<float>().ToArray().Select(v => (double)v).ToArray();
        });
    }
}
