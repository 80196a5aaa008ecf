using GenerationPlatform.Core.Verifiers;
using GenerationPlatform.Text;
using GenerationPlatform.Verifiers.Classifier;
using GenerationPlatform.Verifiers.NoiseAware;
using GenerationPlatform.Verifiers.ResNet;
using GenerationPlatform.Verifiers.Text;

namespace GenerationPlatform.Verifiers;

/// <summary>
/// The built-in verifiers described without loading them: what each measures, which models' images it can score and
/// what it costs (the same FLOPs figures the verifiers report once built; a test holds the two together).
/// </summary>
public static class BuiltInVerifiers
{
    /// <summary>Our class verifiers read any size (resized bilinearly) of 1 or 3 channels (RGB as its brightest channel).</summary>
    private static readonly int[] GrayOrRgb = [1, 3];

    /// <summary>The prompt verifiers read 28x28 images of coloured Fashion-MNIST (grayscale as colourless RGB).</summary>
    private const int TextSide = 28;

    /// <summary>The base verifiers, in <see cref="VerifierNames.BaseNames"/> order; <paramref name="noiseAwareHead"/>: the classifier's head is there.</summary>
    public static IReadOnlyList<VerifierDescription> Describe(bool noiseAwareHead) =>
    [
        new("classifier", "log-probability of the requested class under the shipped Fashion-MNIST classifier",
            new VerifierScope(FashionClasses.Names, ReadsPrompts: false, Channels: GrayOrRgb, RanksNoisyInputs: noiseAwareHead,
                FlopsPerImage: FashionClassifier.ForwardFlops, FlopsPerNoisyImage: noiseAwareHead ? NoiseAwareRanker.ForwardFlops : 0)),
        new("class-gaussian", "likelihood of the classifier's features under the requested class's Gaussian",
            new VerifierScope(FashionClasses.Names, ReadsPrompts: false, Channels: GrayOrRgb, FlopsPerImage: ClassGaussianVerifier.Flops)),
        new("resnet-probe", "ImageNet ResNet-18 features with a trained linear probe for the class",
            new VerifierScope(FashionClasses.Names, ReadsPrompts: false, Channels: GrayOrRgb, FlopsPerImage: ResNetProbeVerifier.Flops)),
        new("self-consistency", "agreement of ResNet-18 features of the image and its probe x0-prediction",
            VerifierScope.Unconditional with { Channels = GrayOrRgb, FlopsPerImage = SelfConsistencyVerifier.Flops }),
        new("text-align", "cosine of the image's embedding (a contrastive encoder trained here) with the prompt's all-MiniLM-L6-v2 embedding " +
            "(text models; a class model's image against \"a {class name}\")",
            new VerifierScope(FashionClasses.Names, ReadsPrompts: true, Channels: GrayOrRgb, Side: TextSide,
                FlopsPerImage: TextAlignEncoder.ScoreFlopsAt(TextAlignFiles.ShippedWidth))),
        new("attributes", "the fraction of what the prompt asks (class, colour, orientation, surface) that the image meets, by the classifier and measurement functions " +
            "(text models; a class model's image for its class)",
            new VerifierScope(FashionClasses.Names, ReadsPrompts: true, Channels: GrayOrRgb, Side: TextSide, FlopsPerImage: AttributesVerifier.Flops)),
    ];

    /// <summary>An operator's <c>onnx:NAME</c> verifier: it reads a class label when its contract takes one (the labels of any class model).</summary>
    public static VerifierDescription Describe(string canonicalName, OnnxVerifierSpec spec) =>
        new(canonicalName, "an operator's ONNX model, registered on the silos",
            spec.ClassInput is not null || OnnxScoreKinds.IndexesClass(spec.Score)
                ? new VerifierScope([], ReadsPrompts: false, Channels: GrayOrRgb, FlopsPerImage: spec.FlopsPerImage)
                : VerifierScope.Unconditional with { Channels = GrayOrRgb, FlopsPerImage = spec.FlopsPerImage });

    /// <summary>Whether the shipped classifier's noise-aware head is installed (<see cref="VerifierCatalog"/> uses it when it is).</summary>
    public static bool ShippedNoiseAwareHead => File.Exists(NoiseAwareFiles.DefaultPath);
}
