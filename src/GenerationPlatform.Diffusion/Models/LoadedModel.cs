using GenerationPlatform.Diffusion.Model;
using GenerationPlatform.Diffusion.Sampling;
using static TorchSharp.torch;
using GenerationPlatform.Core.Model;
using GenerationPlatform.Core.Models;

namespace GenerationPlatform.Diffusion.Models;

/// <summary>
/// A model folder loaded and ready to sample: its denoiser in our velocity convention (epsilon and x0 networks wrapped
/// in <see cref="PredictionConversion"/>), the guided field around it, and for latent models the decoder from final
/// latents to pixels. <see cref="Render(Tensor)"/> turns final states into the platform's pixels ([-1, 1], the image
/// shape), which is what verifiers and PNGs take.
/// </summary>
public sealed class LoadedModel : IImageRenderer, IDisposable
{
    internal LoadedModel(ModelManifest manifest, IVelocityNetwork network, LatentDecoder? decoder)
    {
        Manifest = manifest;
        Network = network;
        Decoder = decoder;
        Field = new GuidedVelocityField(network);
        Info = new ServedModelInfo(manifest.Name, manifest.Description, manifest.Backend, network.Device, manifest.StateShape, manifest.Image.Shape,
            manifest.Decoder?.Latent, manifest.Conditioning, manifest.Defaults, manifest.Prediction.Kind, manifest.Folder);
    }

    /// <summary>Loads the model folder (or manifest file) and validates it against its weights.</summary>
    /// <exception cref="ModelLoadException">The manifest or a network is not servable; <see cref="ModelLoadException.Field"/> names the field.</exception>
    public static LoadedModel Load(string folderOrManifestPath, ModelLoadSettings? settings = null) =>
        ModelLoader.Load(ModelManifest.Load(folderOrManifestPath), settings ?? new ModelLoadSettings());

    public string Name => Manifest.Name;
    public ModelManifest Manifest { get; }
    public ServedModelInfo Info { get; }

    /// <summary>The denoiser in our convention (flow-matching velocity, t = 1 is noise).</summary>
    public IVelocityNetwork Network { get; }

    /// <summary>Classifier-free guidance around <see cref="Network"/>.</summary>
    public GuidedVelocityField Field { get; }

    /// <summary>The state the denoiser works on (the latent's for latent models).</summary>
    public ImageShape Shape => Manifest.StateShape;

    /// <summary>The images the model produces (pixels).</summary>
    public ImageShape ImageShape => Manifest.Image.Shape;

    public Conditioning Conditioning => Manifest.Conditioning;
    public LatentDecoder? Decoder { get; }

    /// <summary>Whether final states must be rendered to be images: a decoder, or a value range other than [-1, 1].</summary>
    public bool NeedsRendering => Decoder is not null || Manifest.Image.Range != PixelRange.MinusOneToOne;

    /// <summary>
    /// The platform's pixels for final states [N, C, H, W] of <see cref="Shape"/>: decoded for latent models, then
    /// mapped from the manifest's range to [-1, 1] (2x - 1 for [0, 1] models; nothing for [-1, 1]). Not clamped.
    /// </summary>
    public Tensor Render(Tensor states)
    {
        using var scope = NewDisposeScope();
        var images = Decoder is null ? states.to(ScalarType.Float32).cpu() : Decoder.Decode(states);
        if (Manifest.Image.Range == PixelRange.ZeroToOne) images = images * 2 - 1;
        return images.contiguous().MoveToOuterDisposeScope();
    }

    /// <summary><see cref="Render(Tensor)"/> on flat states [N * Shape.Size]; returns flat pixels [N * ImageShape.Size].</summary>
    public float[] Render(ReadOnlySpan<float> states, int count)
    {
        if (count < 0 || states.Length != count * Shape.Size) throw new ArgumentException($"expected {count} states of {Shape}, got {states.Length} values", nameof(states));
        var images = Decoder is null ? states.ToArray() : Decoder.Decode(states, count);
        if (Manifest.Image.Range == PixelRange.ZeroToOne)
            for (int i = 0; i < images.Length; i++) images[i] = images[i] * 2 - 1;
        return images;
    }

    public void Dispose()
    {
        Network.Dispose();
        Decoder?.Dispose();
    }
}
