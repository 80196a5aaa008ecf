using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GenerationPlatform.Verifiers.NoiseAware;

/// <summary>
/// The `classifier` verifier's noise-aware head (SEARCH.md section 3.4, "noise-aware ranking"): from an x0-prediction
/// taken at time t on the way down (t = 1 is noise) and the requested class, it predicts the score the `classifier`
/// verifier will give the finished image. Input [B, 1, 28, 28] in [-1, 1] plus t, as a second constant channel;
/// output [B, 10] logits, one per class, whose sigmoid is the predicted final p(class | image). A small CNN of its own
/// weights (not the classifier's), trained by `genplat train-noise-verifier` on trajectories of the shipped model.
/// </summary>
public sealed class NoiseAwareRanker : Module<Tensor, Tensor, Tensor>
{
    public const int Classes = 10;
    private readonly Sequential body;
    private readonly Linear head;

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
            ("fc", Linear(64 * 7 * 7, 128)), ("act5", SiLU()));
        head = Linear(128, Classes);
        RegisterComponents();
    }

    /// <summary>FLOPs (2 per multiply-add) of one image's forward pass, from the layer shapes above.</summary>
    public static double ForwardFlops { get; } = 2.0 * 9 * (2 * 32 * 784 + 32 * 32 * 784 + 32 * 64 * 196 + 64 * 64 * 196) + 2.0 * (64 * 7 * 7 * 128 + 128 * Classes);

    /// <param name="x0">[B, 1, 28, 28] x0-predictions in [-1, 1].</param>
    /// <param name="t">[B] the times they were taken at (0: a finished image).</param>
    public override Tensor forward(Tensor x0, Tensor t)
    {
        using var scope = NewDisposeScope();
        var plane = t.to(float32).view(-1, 1, 1, 1).expand(-1, 1, x0.shape[2], x0.shape[3]);
        return head.forward(body.forward(cat([x0, plane], 1))).MoveToOuterDisposeScope();
    }

    /// <summary>Predicted final scores: sigmoid of each row's logit for its label.</summary>
    public Tensor Predict(Tensor x0, Tensor t, Tensor labels)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        return forward(x0, t).gather(1, labels.view(-1, 1)).squeeze(1).sigmoid().MoveToOuterDisposeScope();
    }
}
