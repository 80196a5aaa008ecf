using GenerationPlatform.Verifiers.Core;
using GenerationPlatform.Core.Verifiers;

namespace GenerationPlatform.Verifiers.ResNet;

/// <summary>
/// `resnet-probe`: p(target class | image) from a linear head on ImageNet ResNet-18 features (the
/// paper's supervised verifiers: a DINO linear head or CLIP zero-shot). The ResNet and the head are
/// owned by whoever built this verifier.
/// </summary>
public sealed class ResNetProbeVerifier(ResNet18Features resnet, ResNetProbeHead head) : IImageVerifier
{
    /// <summary>One ResNet-18 pass at 224x224 and the linear head.</summary>
    public double FlopsPerImage => Flops;

    /// <summary>ResNet-18 features plus the linear probe.</summary>
    public const double Flops = ResNet18Features.ForwardFlops + 2.0 * 512 * 10;

    private readonly VerifierCostMeter meter = new();
    private readonly Lock gate = new();

    public string Name => "resnet-probe";
    public VerifierCost Cost => meter.Snapshot;

    public double[] Score(IReadOnlyList<VerifierInput> batch, CancellationToken cancellationToken = default)
    {
        VerifierInputs.CheckLabels(batch, ResNetProbeHead.Classes);
        if (batch.Count == 0) return [];
        return meter.Measure(batch.Count, () =>
        {
            var features = resnet.Extract(Images(batch, probe: false), cancellationToken);
            float[] p;
            lock (gate) p = head.Probabilities(features); // TorchSharp modules are not safe to share across threads
            return batch.Select((x, i) => (double)p[i * ResNetProbeHead.Classes + x.Label]).ToArray();
        });
    }

    internal static float[][] Images(IReadOnlyList<VerifierInput> batch, bool probe)
    {
        var images = new float[batch.Count][];
        for (int i = 0; i < batch.Count; i++)
        {
            var image = probe
                ? batch[i].ProbeX0 ?? throw new ArgumentException($"input {i} has no x0 probe (ProbeX0), which the self-consistency verifier needs", nameof(batch))
                : batch[i].Image;
            // Any model's image as the 28x28 luminance these verifiers were fitted on (Fashion-MNIST).
            images[i] = VerifierInputs.Grayscale28(image, VerifierInputs.ShapeOf(batch[i], image.Length, i));
        }
        return images;
    }
}
