using GenerationPlatform.Verifiers.Classifier;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GenerationPlatform.Verifiers.NoiseAware;

/// <summary>
/// The `classifier` verifier's noise-aware head (SEARCH.md section 3.4, "noise-aware ranking"): from an x0-prediction taken
/// at time t on the way down (t = 1 is noise) and the requested class, it predicts the score the `classifier` verifier will
/// give the finished image. It is a correction on top of the classifier itself: the prediction's log-odds are the
/// classifier's log-odds of the requested class on the x0-prediction plus a learned term computed from the x0-prediction
/// and t (a small CNN of its own), the classifier's 256 penultimate features of the x0-prediction, and t. The correction's
/// last layer starts at zero, so an untrained head ranks exactly as the classifier on x0-predictions does, and training
/// (`genplat-research train-noise-verifier`, a ranking loss between candidates of one class at one time) moves it only where the
/// held-out data say it ranks better.
/// </summary>
public sealed class NoiseAwareRanker : Module
{
    public const int Classes = 10;
    private const int BodyFeatures = 128;
    private readonly Sequential body;
    private readonly Sequential mix;

    public NoiseAwareRanker() : base(nameof(NoiseAwareRanker))
    {
        body = Sequential(
            ("conv1", Conv2d(2, 32, 3, padding: 1)), ("act1", SiLU()),
            ("conv2", Conv2d(32, 32, 3, padding: 1)), ("act2", SiLU()),
            ("pool1", AvgPool2d(2)),
            ("conv3", Conv2d(32, 64, 3, padding: 1)), ("act3", SiLU()),
            ("conv4", Conv2d(64, 64, 3, padding: 1)), ("act4", SiLU()),
            ("pool2", AvgPool2d(2)),
            ("flatten", Flatten()),
            ("fc", Linear(64 * 7 * 7, BodyFeatures)), ("act5", SiLU()));
        var last = Linear(BodyFeatures, Classes);
        mix = Sequential(("fc1", Linear(BodyFeatures + FashionClassifier.FeatureDim + 1, BodyFeatures)), ("act", SiLU()), ("fc2", last));
        RegisterComponents();
        using var _ = no_grad();
        last.weight!.zero_();
        last.bias!.zero_();
    }

    /// <summary>FLOPs (2 per multiply-add) of one image's head alone, from the layer shapes above (the classifier's pass is extra).</summary>
    public static double HeadFlops { get; } = 2.0 * 9 * (2 * 32 * 784 + 32 * 32 * 784 + 32 * 64 * 196 + 64 * 64 * 196)
        + 2.0 * (64 * 7 * 7 * BodyFeatures + (BodyFeatures + FashionClassifier.FeatureDim + 1) * BodyFeatures + BodyFeatures * Classes);

    /// <summary>FLOPs of one noisy image's score: the classifier's pass on the x0-prediction and the head.</summary>
    public static double ForwardFlops { get; } = FashionClassifier.ForwardFlops + HeadFlops;

    /// <summary>The predicted final log-odds of the requested class.</summary>
    /// <param name="x0">[B, 1, 28, 28] x0-predictions in [-1, 1].</param>
    /// <param name="t">[B] the times they were taken at (0: a finished image).</param>
    /// <param name="labels">[B] the requested classes (int64).</param>
    /// <param name="classifierLogOdds">[B] the classifier's log-odds of the requested class on the x0-prediction.</param>
    /// <param name="classifierFeatures">[B, 256] the classifier's penultimate features of the x0-prediction.</param>
    public Tensor LogOdds(Tensor x0, Tensor t, Tensor labels, Tensor classifierLogOdds, Tensor classifierFeatures)
    {
        using var scope = NewDisposeScope();
        var time = t.to(float32).view(-1, 1);
        var plane = time.view(-1, 1, 1, 1).expand(-1, 1, x0.shape[2], x0.shape[3]);
        var features = body.forward(cat([x0, plane], 1));
        var correction = mix.forward(cat([features, classifierFeatures, time], 1)).gather(1, labels.view(-1, 1)).squeeze(1);
        return (classifierLogOdds + correction).MoveToOuterDisposeScope();
    }

    /// <summary>The classifier's log-odds of each row's class and its features, in one pass (log p - log(1 - p), computed stably).</summary>
    public static (Tensor LogOdds, Tensor Features) ClassifierInputs(FashionClassifier classifier, Tensor x0, Tensor labels)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var (logits, features) = classifier.ForwardWithFeatures(x0);
        var own = logits.gather(1, labels.view(-1, 1)).squeeze(1);
        var others = logits.scatter(1, labels.view(-1, 1), full(labels.shape[0], 1, double.NegativeInfinity)).logsumexp(1);
        return ((own - others).MoveToOuterDisposeScope(), features.MoveToOuterDisposeScope());
    }

    /// <summary>Predicted final scores in [0, 1]: the classifier runs on the x0-predictions, then the head.</summary>
    public Tensor Predict(FashionClassifier classifier, Tensor x0, Tensor t, Tensor labels)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var (logOdds, features) = ClassifierInputs(classifier, x0, labels);
        return LogOdds(x0, t, labels, logOdds, features).sigmoid().MoveToOuterDisposeScope();
    }
}
