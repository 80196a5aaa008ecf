using GenerationPlatform.Core.Verifiers;

namespace GenerationPlatform.Verifiers.ResNet;

/// <summary>
/// `self-consistency`: cosine similarity of the ResNet-18 features of the x0-prediction seen at a probe
/// time and of the final image (the paper's self-supervised verifier). Needs
/// <see cref="VerifierInput.ProbeX0"/>; ignores the label.
/// </summary>
public sealed class SelfConsistencyVerifier(ResNet18Features resnet) : IImageVerifier
{
    /// <summary>Two ResNet-18 passes: the image and its x0-probe.</summary>
    public double FlopsPerImage => Flops;

    /// <summary>ResNet-18 features of the image and of its probe.</summary>
    public const double Flops = 2 * ResNet18Features.ForwardFlops;

    private readonly VerifierCostMeter meter = new();

    public string Name => "self-consistency";
    public bool NeedsProbe => true;
    public VerifierCost Cost => meter.Snapshot;

    public double[] Score(IReadOnlyList<VerifierInput> batch, CancellationToken cancellationToken = default)
    {
        var probes = ResNetProbeVerifier.Images(batch, probe: true); // checks every probe before any work
        var finals = ResNetProbeVerifier.Images(batch, probe: false);
        if (batch.Count == 0) return [];
        return meter.Measure(batch.Count, () =>
        {
            // One call for both halves: [final_0..final_{B-1}, probe_0..probe_{B-1}].
            var features = resnet.Extract([.. finals, .. probes], cancellationToken);
            return Enumerable.Range(0, batch.Count).Select(i => ResNet18Features.Cosine(features[i], features[batch.Count + i])).ToArray();
        });
    }
}
