using static TorchSharp.torch;
using GenerationPlatform.Core.Model;
using GenerationPlatform.Core.Verifiers;

namespace GenerationPlatform.Verifiers.Core;

internal static class VerifierInputs
{
    /// <summary>The side of the grayscale images our Fashion-MNIST networks (classifier, feature extractors) take.</summary>
    public const int Side = 28;

    /// <summary>
    /// Stacks the images (or probes) into [B, 1, 28, 28] in [-1, 1]: images of another shape are reduced to one
    /// channel, the brightest of the three at each pixel (HSV value: it undoes the colouring of the coloured
    /// Fashion-MNIST data exactly, where BT.601 luminance would dim a blue item to a tenth), and resized
    /// bilinearly, so class verifiers read any model's images. Every size is checked against its declared shape.
    /// </summary>
    public static Tensor Stack(IReadOnlyList<VerifierInput> batch, bool probe = false)
    {
        using var scope = NewDisposeScope();
        var data = new float[batch.Count * Side * Side];
        for (int i = 0; i < batch.Count; i++)
        {
            var img = probe ? batch[i].ProbeX0 ?? throw new ArgumentException($"input {i} has no x0 probe, which this verifier needs") : batch[i].Image;
            Grayscale28(img, ShapeOf(batch[i], img.Length, i)).CopyTo(data, i * Side * Side);
        }
        return tensor(data, [batch.Count, 1, Side, Side]).clamp_(-1, 1).MoveToOuterDisposeScope();
    }

    /// <summary>The declared shape, or a square grayscale image when none is declared.</summary>
    public static ImageShape ShapeOf(VerifierInput input, int length, int index)
    {
        if (input.Shape is { } declared)
            return declared.Size == length ? declared : throw new ArgumentException($"input {index} has {length} values, its shape {declared} has {declared.Size}");
        int side = (int)Math.Round(Math.Sqrt(length));
        return side * side == length && side > 0 ? new ImageShape(1, side, side)
            : throw new ArgumentException($"input {index} has {length} pixels, which is no square grayscale image; declare its shape");
    }

    /// <summary>One image as 28x28 grayscale in [-1, 1] (a copy unless it already is one).</summary>
    public static float[] Grayscale28(float[] image, ImageShape shape)
    {
        if (shape is { Channels: 1, Height: Side, Width: Side }) return image;
        if (shape.Channels is not (1 or 3)) throw new ArgumentException($"images of {shape.Channels} channels cannot be scored (1 or 3)");
        int plane = shape.Plane;
        var luma = new float[plane];
        if (shape.Channels == 1) Array.Copy(image, luma, plane);
        else
            for (int p = 0; p < plane; p++)
                luma[p] = Math.Max(image[p], Math.Max(image[plane + p], image[2 * plane + p]));
        if (shape.Height == Side && shape.Width == Side) return luma;
        using var scope = NewDisposeScope();
        using var x = tensor(luma, [1, 1, shape.Height, shape.Width]);
        using var resized = nn.functional.interpolate(x, [Side, Side], mode: InterpolationMode.Bilinear, align_corners: false);
        return resized.contiguous().data<float>().ToArray();
    }

    public static void CheckLabels(IReadOnlyList<VerifierInput> batch, int classes)
    {
        for (int i = 0; i < batch.Count; i++)
            if (batch[i].Label < 0 || batch[i].Label >= classes)
                throw new ArgumentOutOfRangeException(nameof(batch), $"input {i} has label {batch[i].Label}, outside 0..{classes - 1}");
    }
}
