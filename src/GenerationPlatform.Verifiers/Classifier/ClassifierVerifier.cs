using GenerationPlatform.Verifiers.Core;
using GenerationPlatform.Verifiers.NoiseAware;
using static TorchSharp.torch;
using GenerationPlatform.Core.Verifiers;

namespace GenerationPlatform.Verifiers.Classifier;

/// <summary>
/// `classifier`: p(target class | image) from the project's CNN (the paper's oracle IS verifier). With its noise-aware head
/// (<see cref="NoiseAwareRanker"/>), an input with <see cref="VerifierInput.Time"/> above 0 (an x0-prediction on the way
/// down) gets the head's prediction of the finished image's score instead (the classifier's own log-odds on the
/// x0-prediction, corrected by the head): the early ranking of SEARCH.md section 3.4.
/// </summary>
public sealed class ClassifierVerifier(FashionClassifier model, NoiseAwareRanker? noiseAware = null) : IImageVerifier
{
    private readonly VerifierCostMeter meter = new();
    private readonly Lock gate = new();

    public string Name => "classifier";

    public bool RanksNoisyInputs => noiseAware is not null;

    public double FlopsPerImage => FashionClassifier.ForwardFlops;

    /// <summary>The classifier's pass on the x0-prediction and the head.</summary>
    public double FlopsPerNoisyImage => noiseAware is null ? FlopsPerImage : NoiseAwareRanker.ForwardFlops;
    public VerifierCost Cost => meter.Snapshot;

    public double[] Score(IReadOnlyList<VerifierInput> batch, CancellationToken cancellationToken = default)
    {
        VerifierInputs.CheckLabels(batch, 10);
        if (batch.Count == 0) return [];
        for (int i = 0; i < batch.Count; i++)
            if (!(batch[i].Time >= 0f && batch[i].Time <= 1f) || (batch[i].Time > 0f && noiseAware is null))
                throw new ArgumentException($"input {i} is taken at t = {batch[i].Time}; " +
                    $"the classifier scores finished images (t = 0){(noiseAware is null ? "" : " and x0-predictions for t in (0, 1]")}");
        return meter.Measure(batch.Count, () =>
        {
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            var scores = new double[batch.Count];
            var finished = Enumerable.Range(0, batch.Count).Where(i => batch[i].Time == 0f).ToArray();
            var noisy = Enumerable.Range(0, batch.Count).Where(i => batch[i].Time > 0f).ToArray();
            if (finished.Length > 0)
            {
                var part = finished.Select(i => batch[i]).ToArray();
                Tensor probs;
                lock (gate) probs = nn.functional.softmax(model.forward(VerifierInputs.Stack(part)), 1);
                var p = probs.data<float>().ToArray();
                for (int k = 0; k < finished.Length; k++) scores[finished[k]] = p[k * 10 + part[k].Label];
            }
            if (noisy.Length > 0)
            {
                var part = noisy.Select(i => batch[i]).ToArray();
                using var times = tensor(part.Select(x => x.Time).ToArray());
                using var labels = tensor(part.Select(x => (long)x.Label).ToArray());
                Tensor predicted;
                lock (gate) predicted = noiseAware!.Predict(model, VerifierInputs.Stack(part), times, labels);
                var p = predicted.data<float>().ToArray();
                for (int k = 0; k < noisy.Length; k++) scores[noisy[k]] = p[k];
            }
            return scores;
        });
    }
}
