using GenerationPlatform.Onnx;
using Microsoft.ML.OnnxRuntime;
using static TorchSharp.torch;
using GenerationPlatform.Core.Model;
using GenerationPlatform.Core.Models;

namespace GenerationPlatform.Diffusion.Models;

/// <summary>
/// The decoder of a latent model (an ONNX network, e.g. a VAE decoder): final latents [N, Cl, Hl, Wl] to images
/// [N, C, H, W] in the manifest's image range. The denoiser's latents are scaled as the manifest says: the decoder's
/// input is latent / scale_factor + shift_factor. Validated at load: one float input of rank 4 whose fixed dimensions
/// match the latent shape, one float output of rank 4 whose fixed dimensions match the image shape, and a probe run
/// on one zero latent whose output must be [1, C, H, W]; anything else is a <see cref="ModelLoadException"/> naming
/// "decoder.weights". A decoder whose batch dimension is fixed at 1 is run one latent at a time.
/// </summary>
public sealed class LatentDecoder : IDisposable
{
    public const string Field = "decoder.weights";

    private readonly OnnxSession session;
    private readonly string inputName, outputName;
    private readonly int maxBatch;

    /// <param name="onnxPath">The decoder's ONNX file.</param>
    /// <param name="spec">The manifest's decoder section (latent shape, scale and shift).</param>
    /// <param name="image">The manifest's image section (what the decoder must produce).</param>
    /// <param name="settings">Execution provider and threads; null: the CPU, ONNX Runtime's thread count.</param>
    /// <param name="maxBatch">Latents decoded per call at most (memory bound for large decoders).</param>
    public LatentDecoder(string onnxPath, DecoderSpec spec, ImageSpec image, OnnxSessionSettings? settings = null, int maxBatch = 16)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        Spec = spec;
        Image = image;
        if (!File.Exists(onnxPath)) throw new ModelLoadException(Field, $"{onnxPath} does not exist");
        try { session = OnnxSessions.Create(onnxPath, settings ?? new OnnxSessionSettings()); }
        catch (OnnxRuntimeException e) { throw new ModelLoadException(Field, $"{Path.GetFileName(onnxPath)} is not a loadable ONNX model: {e.Message.Trim()}"); }
        catch (OnnxDeviceException e) { throw new ModelLoadException("device", e.Message); }
        try
        {
            var s = session.Session;
            if (s.InputMetadata.Count != 1 || s.OutputMetadata.Count != 1)
                throw new ModelLoadException(Field, $"a decoder has one input and one output (this one has {s.InputMetadata.Count} and {s.OutputMetadata.Count})");
            (inputName, var input) = s.InputMetadata.Single();
            (outputName, var output) = s.OutputMetadata.Single();
            Check(input, inputName, "input", Latent, "the manifest's decoder.latent");
            Check(output, outputName, "output", image.Shape, "the manifest's image");
            int batchDim = input.Dimensions[0];
            this.maxBatch = batchDim > 0 ? 1 : maxBatch;
            if (batchDim > 1) throw new ModelLoadException(Field, $"input '{inputName}' has a fixed batch of {batchDim}; export it with a symbolic batch dimension (or batch 1)");
            var probe = Run(new float[Latent.Size], 1, out var shape);
            if (!shape.SequenceEqual([1L, image.Shape.Channels, image.Shape.Height, image.Shape.Width]))
                throw new ModelLoadException(Field,
                    $"decodes one {Latent} latent to [{string.Join(", ", shape)}], the manifest's image is [1, {image.Shape.Channels}, {image.Shape.Height}, {image.Shape.Width}]");
            if (probe.Any(v => !float.IsFinite(v))) throw new ModelLoadException(Field, "decodes a zero latent to non-finite values");
        }
        catch (ModelLoadException)
        {
            session.Dispose();
            throw;
        }
        catch (OnnxRuntimeException e)
        {
            session.Dispose();
            throw new ModelLoadException(Field, $"the probe run failed: {e.Message.Trim()}");
        }
    }

    public DecoderSpec Spec { get; }
    public ImageSpec Image { get; }
    public ImageShape Latent => Spec.Latent;

    /// <summary>"cpu" or "cuda".</summary>
    public string Device => session.DeviceName;

    private void Check(NodeMetadata meta, string name, string role, ImageShape expected, string what)
    {
        if (!meta.IsTensor || meta.ElementType != typeof(float))
            throw new ModelLoadException(Field, $"{role} '{name}' must be a float32 tensor (got {meta.ElementDataType})");
        var dims = meta.Dimensions;
        if (dims.Length != 4) throw new ModelLoadException(Field, $"{role} '{name}' must be [N, C, H, W] (it has rank {dims.Length})");
        int[] want = [expected.Channels, expected.Height, expected.Width];
        for (int i = 0; i < 3; i++)
            if (dims[i + 1] > 0 && dims[i + 1] != want[i])
            {
                var declared = string.Join(", ", dims.Select(d => d > 0 ? d.ToString(System.Globalization.CultureInfo.InvariantCulture) : "?"));
                throw new ModelLoadException(Field, $"{role} '{name}' is [{declared}], {what} is [N, {string.Join(", ", want)}]");
            }
    }

    private float[] Run(float[] input, int n, out long[] shape)
    {
        using var runOptions = new RunOptions();
        using var value = OrtValue.CreateTensorValueFromMemory(input, [n, Latent.Channels, Latent.Height, Latent.Width]);
        using var outputs = session.Session.Run(runOptions, [inputName], [value], [outputName]);
        shape = outputs[0].GetTensorTypeAndShape().Shape;
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    /// <summary>Images [N, C, H, W] (flat, in the manifest's range) for <paramref name="count"/> latents laid out [N, Cl, Hl, Wl].</summary>
    public float[] Decode(ReadOnlySpan<float> latents, int count)
    {
        int latentSize = Latent.Size, imageSize = Image.Shape.Size;
        if (count < 0 || latents.Length != count * latentSize)
            throw new ArgumentException($"expected {count} latents of {Latent} ({count * latentSize} values), got {latents.Length} values", nameof(latents));
        var images = new float[count * imageSize];
        float scale = (float)(1 / Spec.ScaleFactor), shift = (float)Spec.ShiftFactor;
        for (int start = 0; start < count; start += maxBatch)
        {
            int n = Math.Min(maxBatch, count - start);
            var input = new float[n * latentSize];
            var source = latents.Slice(start * latentSize, n * latentSize);
            for (int i = 0; i < input.Length; i++) input[i] = source[i] * scale + shift;
            var output = Run(input, n, out var shape);
            if (output.Length != n * imageSize)
                throw new InvalidOperationException(
                    $"the decoder returned [{string.Join(", ", shape)}] for {n} latents, expected [{n}, {Image.Shape.Channels}, {Image.Shape.Height}, {Image.Shape.Width}]");
            output.CopyTo(images, start * imageSize);
        }
        return images;
    }

    /// <summary>Images [N, C, H, W] float32 on the CPU (in the manifest's range) for latents [N, Cl, Hl, Wl].</summary>
    public Tensor Decode(Tensor latents)
    {
        if (latents.dim() != 4 || latents.shape[1] != Latent.Channels || latents.shape[2] != Latent.Height || latents.shape[3] != Latent.Width)
            throw new ArgumentException($"latents must be [N, {Latent.Channels}, {Latent.Height}, {Latent.Width}] (got [{string.Join(", ", latents.shape)}])", nameof(latents));
        int n = (int)latents.shape[0];
        using var cpu = latents.to(ScalarType.Float32).cpu().contiguous();
        var images = Decode(cpu.data<float>().ToArray(), n);
        return tensor(images, Image.Shape.Batch(n));
    }

    public void Dispose() => session.Dispose();
}
