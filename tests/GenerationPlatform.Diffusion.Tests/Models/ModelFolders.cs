using System.Text.Json.Nodes;
using GenerationPlatform.Diffusion.Checkpoints;
using GenerationPlatform.Diffusion.Model;
using GenerationPlatform.Onnx;

namespace GenerationPlatform.Diffusion.Tests.Models;

/// <summary>A temporary folder of model folders for the manifest and registry tests; deleted on dispose.</summary>
public sealed class ModelFolders : IDisposable
{
    public static readonly string[] FashionClasses = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    public string Root { get; } = Directory.CreateTempSubdirectory("genplat-models-").FullName;

    public string Folder(string name)
    {
        var path = Path.Combine(Root, name);
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>A folder with <paramref name="manifest"/> as model.json and the named files (empty unless written otherwise).</summary>
    public string Write(string name, JsonNode manifest, params string[] files)
    {
        var folder = Folder(name);
        File.WriteAllText(Path.Combine(folder, "model.json"), manifest.ToJsonString());
        foreach (var f in files)
            if (!File.Exists(Path.Combine(folder, f))) File.WriteAllBytes(Path.Combine(folder, f), []);
        return folder;
    }

    /// <summary>A valid class-model manifest (torchsharp, 1x8x8, three classes) as a mutable JSON tree.</summary>
    public static JsonObject ClassManifest(string name = "tiny", int channels = 1, int side = 8, string[]? classes = null) => new()
    {
        ["name"] = name,
        ["description"] = "a tiny test model",
        ["backend"] = "torchsharp",
        ["weights"] = "velocity.safetensors",
        ["image"] = new JsonObject { ["channels"] = channels, ["height"] = side, ["width"] = side, ["range"] = new JsonArray(-1, 1) },
        ["conditioning"] = new JsonObject
        {
            ["kind"] = "class",
            ["classes"] = new JsonArray([.. (classes ?? ["a", "b", "c"]).Select(c => (JsonNode)c)]),
            ["null_condition"] = $"label:{(classes ?? ["a", "b", "c"]).Length}",
        },
        ["prediction"] = new JsonObject { ["kind"] = "velocity", ["time"] = "flow" },
        ["defaults"] = new JsonObject { ["sampler"] = "heun", ["steps"] = 10, ["guidance"] = 1.5 },
    };

    /// <summary>An onnx epsilon model's manifest with a scaled-linear schedule.</summary>
    public static JsonObject EpsilonManifest() => new()
    {
        ["name"] = "eps",
        ["description"] = "an epsilon model",
        ["backend"] = "onnx",
        ["weights"] = "denoiser.onnx",
        ["image"] = new JsonObject { ["channels"] = 3, ["height"] = 16, ["width"] = 16, ["range"] = new JsonArray(0, 1) },
        ["conditioning"] = new JsonObject { ["kind"] = "text", ["encoder"] = "all-minilm-l6-v2", ["embedding_size"] = 384, ["null_condition"] = "zeros" },
        ["prediction"] = new JsonObject
        {
            ["kind"] = "epsilon",
            ["time"] = "vp",
            ["schedule"] = new JsonObject { ["kind"] = "vp-discrete", ["beta_schedule"] = "scaled_linear", ["beta_start"] = 0.00085, ["beta_end"] = 0.012, ["steps"] = 1000 },
        },
        ["decoder"] = new JsonObject
        {
            ["weights"] = "decoder.onnx",
            ["latent"] = new JsonObject { ["channels"] = 4, ["height"] = 8, ["width"] = 8 },
            ["scale_factor"] = 0.18215,
        },
        ["defaults"] = new JsonObject { ["sampler"] = "euler", ["steps"] = 25, ["guidance"] = 4 },
    };

    /// <summary>Tiny velocity UNet weights with our metadata; every parameter perturbed (seeded) so that the output is not zero.</summary>
    public static void WriteUNet(string path, UNetConfig config, int seed = 1)
    {
        TorchSharp.torch.random.manual_seed(seed);
        using var model = new VelocityUNet(config);
        using (TorchSharp.torch.no_grad())
            foreach (var p in model.parameters())
                p.add_(TorchSharp.torch.randn_like(p) * 0.1);
        SafeTensors.SaveModule(path, model, VelocityModelFile.Metadata(config, "test"));
    }

    public static UNetConfig TinyConfig(int channels = 1, int side = 8, int classes = 3, int text = 0) =>
        new(BaseChannels: 8, Multipliers: [1, 1, 1], EmbeddingDim: 16, Classes: classes, Dropout: 0, AttentionHeads: 2,
            ImageChannels: channels, Height: side, Width: side, TextEmbedding: text);

    /// <summary>
    /// A decoder as ONNX: ConvTranspose (kernel 2, stride 2) from [N, latentChannels, s, s] to [N, imageChannels, 2s, 2s],
    /// weight[ci, co, a, b] = (ci + 1) * 0.1 + co * 0.01 + a * 0.001 + b * 0.0001, bias[co] = 0.5 * co.
    /// </summary>
    public static byte[] Decoder(int latentChannels, int imageChannels, int side, bool symbolicBatch = true)
    {
        var g = new OnnxGraphBuilder("decoder");
        OnnxDim batch = symbolicBatch ? "N" : 1;
        var z = g.Input("z", OnnxElementType.Float, batch, latentChannels, side, side);
        var w = g.Initializer("w", [latentChannels, imageChannels, 2, 2], DecoderWeight(latentChannels, imageChannels));
        var b = g.Initializer("b", [imageChannels], [.. Enumerable.Range(0, imageChannels).Select(c => 0.5f * c)]);
        g.NodeNamed("ConvTranspose", [z, w, b], ["image"], OnnxAttribute.Ints("kernel_shape", 2, 2), OnnxAttribute.Ints("strides", 2, 2));
        g.Output("image", OnnxElementType.Float, batch, imageChannels, 2 * side, 2 * side);
        return g.ToModel();
    }

    public static float[] DecoderWeight(int latentChannels, int imageChannels)
    {
        var w = new float[latentChannels * imageChannels * 4];
        for (int ci = 0; ci < latentChannels; ci++)
            for (int co = 0; co < imageChannels; co++)
                for (int a = 0; a < 2; a++)
                    for (int b = 0; b < 2; b++)
                        w[((ci * imageChannels + co) * 2 + a) * 2 + b] = (ci + 1) * 0.1f + co * 0.01f + a * 0.001f + b * 0.0001f;
        return w;
    }

    /// <summary>What <see cref="Decoder"/> computes, in double precision, for one input [Cl, s, s].</summary>
    public static double[] DecodeReference(float[] input, int latentChannels, int imageChannels, int side)
    {
        var w = DecoderWeight(latentChannels, imageChannels);
        int outSide = 2 * side;
        var result = new double[imageChannels * outSide * outSide];
        for (int co = 0; co < imageChannels; co++)
            for (int y = 0; y < outSide; y++)
                for (int x = 0; x < outSide; x++)
                {
                    double sum = 0.5 * co;
                    for (int ci = 0; ci < latentChannels; ci++)
                        sum += input[(ci * side + y / 2) * side + x / 2] * w[((ci * imageChannels + co) * 2 + y % 2) * 2 + x % 2];
                    result[(co * outSide + y) * outSide + x] = sum;
                }
        return result;
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { }
    }
}
