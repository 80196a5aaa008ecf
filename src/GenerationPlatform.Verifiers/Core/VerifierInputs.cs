using static TorchSharp.torch;

namespace GenerationPlatform.Verifiers.Core;

internal static class VerifierInputs
{
    public const int Side = 28;

    /// <summary>Stacks the images (or probes) into [B, 1, 28, 28], checking every size.</summary>
    public static Tensor Stack(IReadOnlyList<VerifierInput> batch, bool probe = false)
    {
        var data = new float[batch.Count * Side * Side];
        for (int i = 0; i < batch.Count; i++)
        {
            var img = probe ? batch[i].ProbeX0 ?? throw new ArgumentException($"input {i} has no x0 probe, which this verifier needs") : batch[i].Image;
            if (img.Length != Side * Side) throw new ArgumentException($"input {i} has {img.Length} pixels, expected {Side * Side}");
            img.CopyTo(data, i * Side * Side);
        }
        return tensor(data, [batch.Count, 1, Side, Side]).clamp_(-1, 1);
    }

    public static void CheckLabels(IReadOnlyList<VerifierInput> batch, int classes)
    {
        for (int i = 0; i < batch.Count; i++)
            if (batch[i].Label < 0 || batch[i].Label >= classes)
                throw new ArgumentOutOfRangeException(nameof(batch), $"input {i} has label {batch[i].Label}, outside 0..{classes - 1}");
    }
}
