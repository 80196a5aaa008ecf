using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GenerationPlatform.Verifiers.ResNet;

/// <summary>
/// Linear probe on ResNet-18 features: standardize each of the 512 features with the training set's
/// mean and scale (stored as buffers, so they travel in the checkpoint), then one linear layer to 10
/// class logits. Input [B, 512] features, output [B, 10] logits.
/// </summary>
public sealed class ResNetProbeHead : Module<Tensor, Tensor>
{
    public const int Classes = 10;
    private readonly Linear linear;
    private readonly Tensor featureMean;
    private readonly Tensor featureScale;

    public ResNetProbeHead() : base(nameof(ResNetProbeHead))
    {
        linear = Linear(ResNet18Features.FeatureDim, Classes);
        featureMean = zeros(ResNet18Features.FeatureDim);
        featureScale = ones(ResNet18Features.FeatureDim);
        register_module("linear", linear);
        register_buffer("feature_mean", featureMean);
        register_buffer("feature_scale", featureScale);
    }

    /// <summary>Sets the per-feature standardization: (features - mean) / scale.</summary>
    public void SetStandardization(Tensor mean, Tensor scale)
    {
        using var _ = no_grad();
        featureMean.copy_(mean);
        featureScale.copy_(scale);
    }

    public override Tensor forward(Tensor features)
    {
        using var scope = NewDisposeScope();
        return linear.forward((features - featureMean) / featureScale).MoveToOuterDisposeScope();
    }

    /// <summary>Class probabilities [B, 10] for feature rows [B][512].</summary>
    public float[] Probabilities(IReadOnlyList<float[]> features)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var flat = new float[features.Count * ResNet18Features.FeatureDim];
        for (int i = 0; i < features.Count; i++) features[i].CopyTo(flat, i * ResNet18Features.FeatureDim);
        return nn.functional.softmax(forward(tensor(flat, [features.Count, ResNet18Features.FeatureDim])), 1).data<float>().ToArray();
    }
}
