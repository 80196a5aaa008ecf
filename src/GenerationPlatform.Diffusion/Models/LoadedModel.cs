using GenerationPlatform.Diffusion.Checkpoints;
using GenerationPlatform.Diffusion.Model;
using GenerationPlatform.Diffusion.Sampling;
using GenerationPlatform.Onnx;
using TorchSharp;
using static TorchSharp.torch;
using GenerationPlatform.Core.Model;
using GenerationPlatform.Core.Models;

namespace GenerationPlatform.Diffusion.Models;

/// <summary>
/// Opens an ONNX denoiser for the onnx backend: the ONNX file, the state shape and conditioning it must take, the
/// device ("cpu", "cuda" or "auto") and intra-op threads (0: ONNX Runtime's choice). It validates the graph against
/// the shape and conditioning and throws a <see cref="ModelLoadException"/> when they do not match.
/// </summary>
public delegate IVelocityNetwork OnnxNetworkFactory(string onnxPath, ImageShape shape, Conditioning conditioning, string device, int threads);

/// <summary>How networks are opened: device ("cpu", "cuda" or "auto") and threads for ONNX Runtime (0: its choice).</summary>
public sealed record ModelLoadSettings(string Device = "cpu", int Threads = 0)
{
    /// <summary>The onnx backend's network; null: <see cref="ModelLoader.DefaultOnnxFactory"/>.</summary>
    public OnnxNetworkFactory? OnnxFactory { get; init; }
}

/// <summary>What a served model looks like from outside, without its network.</summary>
/// <param name="Shape">The state the denoiser works on (the latent's for latent models).</param>
/// <param name="ImageShape">The images it produces (pixels, after the decoder for latent models).</param>
/// <param name="LatentShape">The latent's shape for latent models, else null.</param>
public sealed record ServedModelInfo(
    string Name,
    string Description,
    string Backend,
    string Device,
    ImageShape Shape,
    ImageShape ImageShape,
    ImageShape? LatentShape,
    Conditioning Conditioning,
    ModelDefaults Defaults,
    PredictionKind Prediction,
    string Folder)
{
    public bool IsLatent => LatentShape is not null;

    public ModelDescription ToDescription() =>
        new(Name, Description, Backend, Shape, ImageShape, Conditioning, Defaults.Sampler, Defaults.Steps, Defaults.Guidance);
}

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

/// <summary>Opens the networks a manifest names and checks them against it.</summary>
public static class ModelLoader
{
    /// <summary>
    /// The onnx backend's network when <see cref="ModelLoadSettings.OnnxFactory"/> is not set: an
    /// <see cref="Onnx.OnnxVelocityNetwork"/> (inputs x, t, condition; output v) on the requested execution provider.
    /// Null makes an onnx model fail to load with field "backend".
    /// </summary>
    public static OnnxNetworkFactory? DefaultOnnxFactory { get; set; } = (path, shape, conditioning, device, threads) =>
        new Onnx.OnnxVelocityNetwork(path, shape, conditioning, new OnnxSessionSettings(ParseOnnxDevice(device), threads));

    public static LoadedModel Load(ModelManifest manifest, ModelLoadSettings settings)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(settings);
        IVelocityNetwork? network = null;
        LatentDecoder? decoder = null;
        try
        {
            network = manifest.Backend switch
            {
                ModelManifest.TorchSharp => OpenTorch(manifest, settings),
                ModelManifest.Onnx => OpenOnnx(manifest, settings),
                _ => throw new ModelLoadException("backend", $"unknown backend \"{manifest.Backend}\""),
            };
            if (manifest.Prediction.NeedsConversion) network = new PredictionConversion(network, manifest.Prediction);
            if (manifest.Decoder is { } d)
                decoder = new LatentDecoder(manifest.DecoderPath!, d, manifest.Image, new OnnxSessionSettings(ParseOnnxDevice(settings.Device), settings.Threads));
            return new LoadedModel(manifest, network, decoder);
        }
        catch
        {
            network?.Dispose();
            decoder?.Dispose();
            throw;
        }
    }

    private static OnnxDevice ParseOnnxDevice(string device)
    {
        try { return OnnxSessions.ParseDevice(device); }
        catch (ArgumentException e) { throw new ModelLoadException("device", e.Message); }
    }

    private static IVelocityNetwork OpenOnnx(ModelManifest manifest, ModelLoadSettings settings)
    {
        var factory = settings.OnnxFactory ?? DefaultOnnxFactory
            ?? throw new ModelLoadException("backend", "the onnx backend is not available in this process (no ONNX denoiser factory configured)");
        try { return factory(manifest.WeightsPath, manifest.StateShape, manifest.Conditioning, settings.Device, settings.Threads); }
        catch (OnnxDeviceException e) { throw new ModelLoadException("device", e.Message); }
        catch (ModelLoadException e) when (manifest.IsLatent && (e.Field == "image" || e.Field.StartsWith("image.", StringComparison.Ordinal)))
        {
            // The denoiser of a latent model works on the latent: its shape is the manifest's decoder.latent.
            throw new ModelLoadException("decoder.latent" + e.Field["image".Length..], e.Message[(e.Field.Length + 2)..]);
        }
    }

    private static IVelocityNetwork OpenTorch(ModelManifest manifest, ModelLoadSettings settings)
    {
        var path = manifest.WeightsPath;
        Dictionary<string, Tensor> tensors;
        Dictionary<string, string> meta;
        try { (tensors, meta) = SafeTensors.Load(path); }
        catch (Exception e) when (e is CheckpointException or IOException or System.Text.Json.JsonException or InvalidDataException)
        {
            throw new ModelLoadException("weights", $"cannot read {manifest.Weights}: {e.Message}");
        }
        VelocityUNet? model = null;
        try
        {
            if (!meta.TryGetValue("architecture", out var arch) || arch != "genplat-velocity-unet")
                throw new ModelLoadException("weights",
                    $"{manifest.Weights} is not one of our velocity networks (metadata 'architecture' is '{arch}'); the torchsharp backend runs genplat-velocity-unet weights");
            UNetConfig config;
            try { config = VelocityModelFile.ConfigFrom(meta, manifest.Weights); }
            catch (CheckpointException e) { throw new ModelLoadException("weights", e.Message); }
            CheckAgainst(manifest, config);
            model = new VelocityUNet(config);
            try { SafeTensors.CopyInto(model, tensors, manifest.Weights); }
            catch (CheckpointException e) { throw new ModelLoadException("weights", e.Message); }
            model.eval();
            var device = ChooseTorchDevice(settings.Device);
            if (device.type != TorchSharp.DeviceType.CPU) model.to(device);
            var network = new TorchVelocityNetwork(model, manifest.Conditioning);
            model = null;
            return network;
        }
        finally
        {
            model?.Dispose();
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    private static TorchSharp.torch.Device ChooseTorchDevice(string device)
    {
        try { return ComputeDevice.Choose(device); }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException) { throw new ModelLoadException("device", e.Message); }
    }

    /// <summary>The architecture in a safetensors file's metadata against the manifest: state shape and conditioning.</summary>
    public static void CheckAgainst(ModelManifest manifest, UNetConfig config)
    {
        var shape = manifest.StateShape;
        var prefix = manifest.IsLatent ? "decoder.latent" : "image";
        var weights = config.Shape;
        void Dim(string name, int declared, int actual)
        {
            if (declared != actual)
                throw new ModelLoadException($"{prefix}.{name}", $"the manifest declares {name} {declared} but {manifest.Weights} was built for {weights} ({name} {actual})");
        }
        Dim("channels", shape.Channels, weights.Channels);
        Dim("height", shape.Height, weights.Height);
        Dim("width", shape.Width, weights.Width);
        var conditioning = manifest.Conditioning;
        if (conditioning.IsText != config.IsText)
            throw new ModelLoadException("conditioning.kind",
                $"the manifest declares {(conditioning.IsText ? "text" : "class")} conditioning but {manifest.Weights} is {(config.IsText ? "text" : "class")}-conditioned");
        if (conditioning.IsText && conditioning.EmbeddingSize != config.TextEmbedding)
            throw new ModelLoadException("conditioning.embedding_size",
                $"the manifest declares {conditioning.EmbeddingSize} but {manifest.Weights} takes {config.TextEmbedding}-d embeddings");
        if (!conditioning.IsText && conditioning.Classes != config.Classes)
            throw new ModelLoadException("conditioning.classes",
                $"the manifest names {conditioning.Classes} classes but {manifest.Weights} has {config.Classes} (and the null label {config.NullLabel})");
    }
}
