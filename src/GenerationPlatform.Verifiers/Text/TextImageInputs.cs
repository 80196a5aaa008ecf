using GenerationPlatform.Text;
using GenerationPlatform.Verifiers.Core;
using static TorchSharp.torch;
using GenerationPlatform.Core.Model;
using GenerationPlatform.Core.Verifiers;

namespace GenerationPlatform.Verifiers.Text;

/// <summary>
/// How the text verifiers read their inputs: an image of 3x28x28 (the coloured Fashion-MNIST model) as it is, or a
/// 1x28x28 grayscale image as the RGB image with that value in every channel (no hue: every colour check fails, as
/// it should); anything else is an error naming the input. Prompts: the input's prompt, or for a class model's input
/// (no prompt) the class's plain name.
/// </summary>
internal static class TextImageInputs
{
    public static readonly ImageShape Rgb28 = new(ColourFashion.Channels, ColourFashion.Side, ColourFashion.Side);

    /// <summary>Input <paramref name="index"/> as 3x28x28 channel-major in [-1, 1] (a copy when converted).</summary>
    public static float[] Rgb(VerifierInput input, int index)
    {
        var shape = VerifierInputs.ShapeOf(input, input.Image.Length, index);
        if (shape == Rgb28) return input.Image;
        if (shape is { Channels: 1, Height: ColourFashion.Side, Width: ColourFashion.Side })
        {
            var rgb = new float[ColourFashion.RgbLength];
            for (int c = 0; c < ColourFashion.Channels; c++) Array.Copy(input.Image, 0, rgb, c * ColourFashion.PixelsPerChannel, ColourFashion.PixelsPerChannel);
            return rgb;
        }
        throw new ArgumentException($"input {index} is {shape.Channels}x{shape.Height}x{shape.Width}; the text verifiers read 3x28x28 or 1x28x28 images");
    }

    /// <summary>The prompt an input asks for: its prompt, else its class's name; an error when it has neither.</summary>
    public static string Prompt(VerifierInput input, int index)
    {
        if (input.Prompt is { } prompt) return prompt;
        if (input.Label >= 0 && input.Label < FashionClasses.Count) return "a " + ClassVocabulary.TrainingTerms[input.Label][0].Text;
        throw new ArgumentException($"input {index} has neither a prompt nor a class label in 0..{FashionClasses.Count - 1} (got {input.Label})");
    }

    /// <summary>[B, 3, 28, 28] of the batch's images, clamped to [-1, 1].</summary>
    public static Tensor Stack(IReadOnlyList<VerifierInput> batch)
    {
        var data = new float[batch.Count * ColourFashion.RgbLength];
        for (int i = 0; i < batch.Count; i++) Rgb(batch[i], i).CopyTo(data, i * ColourFashion.RgbLength);
        return tensor(data, [batch.Count, ColourFashion.Channels, ColourFashion.Side, ColourFashion.Side]).clamp_(-1, 1);
    }
}
