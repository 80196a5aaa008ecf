using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GenerationPlatform.Evaluation;

/// <summary>
/// The evaluation classifier: a Fashion-MNIST CNN that no verifier uses, for FID, the Inception-style score,
/// precision/recall and conditional accuracy (SEARCH.md section 5). It differs from the verifiers' CNN
/// (<c>Verifiers.Classifier.FashionClassifier</c>: 3x3 convolutions, ReLU, max pooling, 256 features) in
/// architecture and seed: a 5x5 stem, strided 3x3 convolutions instead of pooling, SiLU, widths 24-48-96 and
/// 128 penultimate features. It lives in the Evaluation project, which the verifiers cannot reference, so no
/// searched verifier can score with it. Input: [B, 1, 28, 28] in [-1, 1].
/// </summary>
public sealed class EvaluationClassifier : Module<Tensor, Tensor>
{
    public const int FeatureDim = 128;
    public const string Architecture = "genplat-evaluation-classifier";
    private readonly Sequential features;
    private readonly Dropout dropout;
    private readonly Linear head;

    public EvaluationClassifier() : base(nameof(EvaluationClassifier))
    {
        features = Sequential(
            ("stem", Conv2d(1, 24, 5, padding: 2)), ("norm0", BatchNorm2d(24)), ("act0", SiLU()),
            ("down1", Conv2d(24, 48, 3, stride: 2, padding: 1)), ("norm1", BatchNorm2d(48)), ("act1", SiLU()),
            ("conv1", Conv2d(48, 48, 3, padding: 1)), ("norm2", BatchNorm2d(48)), ("act2", SiLU()),
            ("down2", Conv2d(48, 96, 3, stride: 2, padding: 1)), ("norm3", BatchNorm2d(96)), ("act3", SiLU()),
            ("conv2", Conv2d(96, 96, 3, padding: 1)), ("norm4", BatchNorm2d(96)), ("act4", SiLU()),
            ("flatten", Flatten()),
            ("fc", Linear(96 * 7 * 7, FeatureDim)), ("norm5", LayerNorm(FeatureDim)), ("act5", SiLU()));
        dropout = Dropout(0.2);
        head = Linear(FeatureDim, 10);
        RegisterComponents();
        using (no_grad())
        {
            // TorchSharp 0.107 can leave norm affine parameters uninitialized; set them explicitly.
            foreach (var (_, m) in named_modules())
            {
                if (m is BatchNorm2d b) { b.weight!.fill_(1f); b.bias!.zero_(); }
                if (m is LayerNorm l) { l.weight!.fill_(1f); l.bias!.zero_(); }
            }
        }
    }

    /// <summary>Penultimate features [B, 128].</summary>
    public Tensor Features(Tensor x) => features.forward(x);

    /// <summary>Class logits [B, 10].</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return head.forward(dropout.forward(features.forward(x))).MoveToOuterDisposeScope();
    }

    /// <summary>Logits and features in one pass.</summary>
    public (Tensor Logits, Tensor Features) ForwardWithFeatures(Tensor x)
    {
        var f = features.forward(x);
        return (head.forward(dropout.forward(f)), f);
    }
}
