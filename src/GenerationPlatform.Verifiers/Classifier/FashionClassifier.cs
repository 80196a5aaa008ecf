using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GenerationPlatform.Verifiers.Classifier;

/// <summary>
/// The project's Fashion-MNIST CNN: the stand-in for the paper's InceptionV3. Its class probabilities
/// drive the `classifier` verifier and the Inception-style score; its penultimate features drive FID
/// and the `class-gaussian` verifier. Input: [B, 1, 28, 28] in [-1, 1].
/// </summary>
public sealed class FashionClassifier : Module<Tensor, Tensor>
{
    public const int FeatureDim = 256;
    private readonly Sequential features;
    private readonly Linear head;
    private readonly Dropout dropout;

    public FashionClassifier() : base(nameof(FashionClassifier))
    {
        features = Sequential(
            ("conv1", Conv2d(1, 32, 3, padding: 1)), ("bn1", Bn(32)), ("act1", ReLU()),
            ("conv2", Conv2d(32, 32, 3, padding: 1)), ("bn2", Bn(32)), ("act2", ReLU()),
            ("pool1", MaxPool2d(2)),
            ("conv3", Conv2d(32, 64, 3, padding: 1)), ("bn3", Bn(64)), ("act3", ReLU()),
            ("conv4", Conv2d(64, 64, 3, padding: 1)), ("bn4", Bn(64)), ("act4", ReLU()),
            ("pool2", MaxPool2d(2)),
            ("flatten", Flatten()),
            ("fc", Linear(64 * 7 * 7, FeatureDim)), ("bn5", BatchNorm1d(FeatureDim)), ("act5", ReLU()));
        dropout = Dropout(0.3);
        head = Linear(FeatureDim, 10);
        RegisterComponents();
        using (no_grad())
        {
            // TorchSharp 0.107 can leave norm affine parameters uninitialized; set them explicitly.
            foreach (var (_, m) in named_modules())
            {
                if (m is BatchNorm2d b2) { b2.weight!.fill_(1f); b2.bias!.zero_(); }
                if (m is BatchNorm1d b1) { b1.weight!.fill_(1f); b1.bias!.zero_(); }
            }
        }
    }

    private static BatchNorm2d Bn(int c) => BatchNorm2d(c);

    /// <summary>FLOPs (2 per multiply-add) of one image's forward pass, from the layer shapes above (convolutions and linear layers).</summary>
    public static double ForwardFlops { get; } =
        2.0 * 9 * (1 * 32 * 784 + 32 * 32 * 784 + 32 * 64 * 196 + 64 * 64 * 196) + 2.0 * (64 * 7 * 7 * FeatureDim + FeatureDim * 10);

    /// <summary>Penultimate features [B, 256].</summary>
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
