using GenerationPlatform.Diffusion.Checkpoints;
using GenerationPlatform.Diffusion.Model;
using GenerationPlatform.Onnx;
using TorchSharp;
using static TorchSharp.torch;
using GenerationPlatform.Core.Model;
using GenerationPlatform.Core.Models;

namespace GenerationPlatform.Diffusion.Models;

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
                ModelManifest.Simulated => new SimulatedVelocityNetwork(manifest.StateShape, manifest.Conditioning, SimulatedTiming.Load(manifest.WeightsPath),
                    manifest.ForwardFlops),
                _ => throw new ModelLoadException("backend", $"unknown backend \"{manifest.Backend}\""),
            };
            if (manifest.Prediction.NeedsConversion) network = new PredictionConversion(network, manifest.Prediction);
            CheckFlops(manifest, network);
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

    /// <summary>The manifest's stated FLOPs (what verifier compute is counted against) must be the network's, within 1%.</summary>
    private static void CheckFlops(ModelManifest manifest, IVelocityNetwork network)
    {
        double stated = manifest.ForwardFlops, counted = network.ForwardFlops;
        if (stated > 0 && counted > 0 && Math.Abs(stated - counted) > 0.01 * counted)
            throw new ModelLoadException("forward_flops", $"states {stated:G4} FLOPs per NFE but the network takes {counted:G4} (counted from its layers); correct or remove it");
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
