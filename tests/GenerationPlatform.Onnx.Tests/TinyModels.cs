using GenerationPlatform.Diffusion.Model;
using GenerationPlatform.Diffusion.Onnx;
using static TorchSharp.torch;

namespace GenerationPlatform.Testing;

/// <summary>
/// Small velocity networks with random weights (fixed seed), for tests that need a model of another shape or
/// conditioning: build one, export it with <see cref="OnnxExporter"/>, or write both backends' files to a folder.
/// Every parameter is drawn (the network's own initialization zeroes the last layers, which would make every velocity 0).
/// Other test projects can compile this file in: &lt;Compile Include="../GenerationPlatform.Onnx.Tests/TinyModels.cs" /&gt;
/// (it needs only GenerationPlatform.Diffusion).
/// </summary>
public static class TinyModels
{
    /// <summary>An RGB class model: base 8 channels (8 groups), 2 attention heads, 16-d embedding.</summary>
    public static UNetConfig RgbConfig(int side = 16, int classes = 3) =>
        new(BaseChannels: 8, Multipliers: [1, 2, 2], EmbeddingDim: 16, Classes: classes, Dropout: 0, AttentionHeads: 2, ImageChannels: 3, Height: side, Width: side);

    /// <summary>A text model: base 6 channels (one group, as channels % 8 != 0), 2 heads, prompt embeddings of <paramref name="embedding"/> values.</summary>
    public static UNetConfig TextConfig(int embedding = 12, int channels = 1, int height = 12, int width = 16) =>
        new(BaseChannels: 6, Multipliers: [1, 2, 2], EmbeddingDim: 16, Classes: 0, Dropout: 0, AttentionHeads: 2, ImageChannels: channels, Height: height, Width: width,
            TextEmbedding: embedding);

    public static VelocityUNet Rgb(int side = 16, int classes = 3, int seed = 1) => Build(RgbConfig(side, classes), seed);

    public static VelocityUNet Text(int embedding = 12, int seed = 2) => Build(TextConfig(embedding), seed);

    /// <summary>The network for <paramref name="config"/> with every parameter drawn from a generator seeded with <paramref name="seed"/>, in eval mode.</summary>
    public static VelocityUNet Build(UNetConfig config, int seed)
    {
        var net = new VelocityUNet(config);
        using var generator = new Generator((ulong)seed);
        using (no_grad())
        {
            foreach (var (name, p) in net.named_parameters().OrderBy(p => p.name, StringComparer.Ordinal))
            {
                using var noise = randn(p.shape, generator: generator);
                if (name.Contains("norm", StringComparison.Ordinal)) p.copy_(name.EndsWith(".weight", StringComparison.Ordinal) ? 1 + 0.1 * noise : 0.1 * noise);
                else if (p.dim() >= 2 && !name.StartsWith("labelEmbed", StringComparison.Ordinal)) p.copy_(noise / Math.Sqrt(p.numel() / p.shape[0]));
                else p.copy_(0.1 * noise);
            }
        }
        net.eval();
        return net;
    }

    /// <summary>The ONNX export of <see cref="Rgb"/>.</summary>
    public static byte[] RgbOnnx(int side = 16, int classes = 3, int seed = 1)
    {
        using var net = Rgb(side, classes, seed);
        return OnnxExporter.Export(net, $"tiny random RGB test model, seed {seed}");
    }

    /// <summary>Writes velocity.onnx (and velocity.safetensors for the TorchSharp backend) of <see cref="Rgb"/> into <paramref name="folder"/>.</summary>
    public static string WriteRgb(string folder, int side = 16, int classes = 3, int seed = 1)
    {
        Directory.CreateDirectory(folder);
        using var net = Rgb(side, classes, seed);
        var onnx = Path.Combine(folder, "velocity.onnx");
        OnnxExporter.Export(net, onnx, $"tiny random RGB test model, seed {seed}");
        GenerationPlatform.Diffusion.Checkpoints.SafeTensors.SaveModule(Path.Combine(folder, "velocity.safetensors"), net,
            VelocityModelFile.Metadata(net.Config, $"tiny random RGB test model, seed {seed}"));
        return onnx;
    }
}
