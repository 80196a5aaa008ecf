using System.Globalization;
using GenerationPlatform.Diffusion.Model;
using GenerationPlatform.Onnx;
using static TorchSharp.torch;

namespace GenerationPlatform.Diffusion.Onnx;

/// <summary>
/// Writes a <see cref="VelocityUNet"/> as an ONNX graph (opset 18) from its structure and weights; TorchSharp has no
/// exporter. The graph mirrors <see cref="VelocityUNet.forward"/> operation by operation, in eval mode (dropout is the
/// identity):
/// <list type="bullet">
/// <item>inputs <c>x</c> float [N, C, H, W], <c>t</c> float [N], <c>condition</c> int64 [N] (class models) or float [N, D]
/// (text models); output <c>v</c> float [N, C, H, W]; N is symbolic;</item>
/// <item>time embedding: Mul(t, 1000), Unsqueeze, Mul by the frequencies (computed by TorchSharp exactly as the forward
/// does), Concat(Cos, Sin), Gemm, SiLU, Gemm; the label embedding is a Gather of its table, text models use the
/// two-layer MLP;</item>
/// <item>GroupNorm (8 groups when channels are a multiple of 8, else 1; eps 1e-5) as Reshape [N, G, -1],
/// InstanceNormalization (unit scale, zero bias), Reshape back, per-channel Mul and Add: the classic export of GroupNorm,
/// one kernel, and the same in every opset (GroupNormalization's scale changed meaning between opsets 18 and 21);</item>
/// <item>SiLU as x * Sigmoid(x); Conv with the module's padding and stride; Gemm (transB) for Linear; the embedding's
/// scale and shift as one Gemm and a Split;</item>
/// <item>attention: Reshape [N, 3, heads, d, n], Gather per part, MatMul, Mul by 1/sqrt(d), Softmax, MatMul, Transpose,
/// Reshape; nearest 2x upsampling as Resize (asymmetric, floor: exactly repeat-each-pixel); skip connections as Concat.</item>
/// </list>
/// The model's metadata records the architecture, the time convention and the forward FLOPs
/// (<see cref="FlopsMetadataKey"/>), which <see cref="OnnxVelocityNetwork"/> reads.
/// </summary>
public static class OnnxExporter
{
    public const int Opset = 18;
    public const string XInput = "x", TInput = "t", ConditionInput = "condition", VelocityOutput = "v", BatchDim = "N";
    public const string FlopsMetadataKey = "genplat.forward_flops";
    private const float GroupNormEpsilon = 1e-5f;

    public static void Export(VelocityUNet network, string path, string? description = null)
    {
        var bytes = Export(network, description);
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        File.WriteAllBytes(path, bytes);
    }

    public static void Export(VelocityUNet network, Stream stream, string? description = null) => stream.Write(Export(network, description));

    /// <summary>The ONNX model's bytes.</summary>
    public static byte[] Export(VelocityUNet network, string? description = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        var config = network.Config;
        var state = network.state_dict();
        var g = new OnnxGraphBuilder("genplat_velocity_unet");
        var writer = new Writer(g, state);

        var x = g.Input(XInput, OnnxElementType.Float, BatchDim, config.ImageChannels, config.Height, config.Width);
        var t = g.Input(TInput, OnnxElementType.Float, BatchDim);
        var condition = config.IsText
            ? g.Input(ConditionInput, OnnxElementType.Float, BatchDim, config.TextEmbedding)
            : g.Input(ConditionInput, OnnxElementType.Int64, BatchDim);
        g.Output(VelocityOutput, OnnxElementType.Float, BatchDim, config.ImageChannels, config.Height, config.Width);

        // Time and condition embeddings, summed; every ResBlock projects SiLU(emb).
        var temb = writer.TimeEmbedding(t, config.BaseChannels * 2);
        var cemb = config.IsText
            ? writer.Linear("textProject.fc2", writer.SiLU(writer.Linear("textProject.fc1", condition)))
            : g.Node("Gather", [writer.Weight("labelEmbed.weight"), condition], OnnxAttribute.Int("axis", 0));
        var emb = writer.SiLU(g.Node("Add", [temb, cemb]));

        int c0 = config.Channels(0), c1 = config.Channels(1), c2 = config.Channels(2);
        int h28 = config.Height, w28 = config.Width, h14 = h28 / 2, w14 = w28 / 2, h7 = h28 / 4, w7 = w28 / 4;
        var h0 = writer.ResBlock("enc0", writer.Conv("convIn", x), emb, c0, c0, h28, w28);
        var h1 = writer.ResBlock("enc1", writer.Conv("down0", h0, stride: 2), emb, c0, c1, h14, w14);
        var h2 = writer.ResBlock("enc2", writer.Conv("down1", h1, stride: 2), emb, c1, c2, h7, w7);
        var h = writer.ResBlock("mid1", h2, emb, c2, c2, h7, w7);
        h = writer.Attention("midAttn", h, c2, h7, w7, config.AttentionHeads);
        h = writer.ResBlock("mid2", h, emb, c2, c2, h7, w7);
        h = writer.ResBlock("dec2", writer.Concat(h, h2), emb, c2 + c2, c2, h7, w7);
        h = writer.Conv("up1", writer.Upsample(h));
        h = writer.ResBlock("dec1", writer.Concat(h, h1), emb, c2 + c1, c1, h14, w14);
        h = writer.Conv("up0", writer.Upsample(h));
        h = writer.ResBlock("dec0", writer.Concat(h, h0), emb, c1 + c0, c0, h28, w28);
        writer.Conv("convOut", writer.SiLU(writer.GroupNorm("normOut", h, c0, h28, w28)), outputName: VelocityOutput);

        var metadata = new Dictionary<string, string>
        {
            ["architecture"] = "genplat-velocity-unet",
            ["base_channels"] = Invariant(config.BaseChannels),
            ["multipliers"] = string.Join(',', config.ChannelMultipliers),
            ["embedding_dim"] = Invariant(config.EmbeddingDim),
            ["classes"] = Invariant(config.Classes),
            ["attention_heads"] = Invariant(config.AttentionHeads),
            ["image_channels"] = Invariant(config.ImageChannels),
            ["height"] = Invariant(config.Height),
            ["width"] = Invariant(config.Width),
            ["text_embedding"] = Invariant(config.TextEmbedding),
            ["interpolant"] = "x_t = (1 - t) x0 + t eps; predicts v = eps - x0; t = 1 is noise",
            [FlopsMetadataKey] = network.ForwardFlops().ToString("R", CultureInfo.InvariantCulture),
        };
        if (description is not null) metadata["description"] = description;
        return g.ToModel(Opset, "GenerationPlatform.Diffusion OnnxExporter", metadata,
            "genplat velocity network: v(x, t, condition), flow-matching velocity, t = 1 is noise");
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Emits the layers; weights become initializers named after the module's parameters.</summary>
    private sealed class Writer(OnnxGraphBuilder g, Dictionary<string, Tensor> state)
    {
        private readonly Dictionary<string, string> constants = new(StringComparer.Ordinal);

        public string Weight(string name, long[]? dims = null)
        {
            if (!state.TryGetValue(name, out var tensor)) throw new InvalidOperationException($"the network has no parameter '{name}'");
            using var cpu = tensor.detach().to(float32).cpu().contiguous();
            var values = cpu.data<float>().ToArray();
            var key = dims is null ? name : $"{name}_{string.Join('x', dims)}";
            if (constants.TryGetValue(key, out var existing)) return existing;
            constants[key] = g.Initializer(key, dims ?? cpu.shape, values);
            return key;
        }

        private string Constant(string name, Func<string> create)
        {
            if (!constants.TryGetValue(name, out var value)) constants[name] = value = create();
            return value;
        }

        private string Shape(params long[] dims) => Constant($"shape_{string.Join('_', dims.Select(d => d.ToString(CultureInfo.InvariantCulture)))}", () =>
            g.Longs($"shape_{string.Join('_', dims.Select(d => d < 0 ? "m" + (-d).ToString(CultureInfo.InvariantCulture) : d.ToString(CultureInfo.InvariantCulture)))}", dims));

        private string Axes(params long[] axes) => Constant($"axes_{string.Join('_', axes)}", () => g.Longs($"axes_{string.Join('_', axes)}", axes));

        private string Index(long k) => Constant($"index_{k}", () => g.Initializer($"index_{k}", [], [k]));

        private string Scalar(string name, float value) => Constant(name, () => g.Scalar(name, value));

        public string SiLU(string x) => g.Node("Mul", [x, g.Node("Sigmoid", [x])]);

        public string Linear(string prefix, string x) =>
            g.Node("Gemm", [x, Weight(prefix + ".weight"), Weight(prefix + ".bias")], OnnxAttribute.Int("transB", 1));

        public string Conv(string prefix, string x, int stride = 1, string? outputName = null)
        {
            var weight = state[prefix + ".weight"];
            long k = weight.shape[2];
            long pad = k / 2;
            var attributes = new[]
            {
                OnnxAttribute.Ints("kernel_shape", k, k), OnnxAttribute.Ints("pads", pad, pad, pad, pad), OnnxAttribute.Ints("strides", stride, stride),
            };
            string[] inputs = [x, Weight(prefix + ".weight"), Weight(prefix + ".bias")];
            if (outputName is null) return g.Node("Conv", inputs, attributes);
            g.NodeNamed("Conv", inputs, [outputName], attributes);
            return outputName;
        }

        /// <summary>TorchSharp's GroupNorm (ResBlock.Norm: 8 groups when channels % 8 == 0, else 1).</summary>
        public string GroupNorm(string prefix, string x, int channels, int height, int width)
        {
            int groups = channels % 8 == 0 ? 8 : 1;
            var ones = Constant($"ones_{groups}", () => g.Initializer($"ones_{groups}", [groups], Enumerable.Repeat(1f, groups).ToArray()));
            var zeros = Constant($"zeros_{groups}", () => g.Initializer($"zeros_{groups}", [groups], new float[groups]));
            var grouped = g.Node("Reshape", [x, Shape(0, groups, -1)]);
            var normalized = g.Node("InstanceNormalization", [grouped, ones, zeros], OnnxAttribute.Float("epsilon", GroupNormEpsilon));
            var back = g.Node("Reshape", [normalized, Shape(-1, channels, height, width)]);
            var scaled = g.Node("Mul", [back, Weight(prefix + ".weight", [channels, 1, 1])]);
            return g.Node("Add", [scaled, Weight(prefix + ".bias", [channels, 1, 1])]);
        }

        /// <param name="embAct">SiLU of the summed embedding, [N, E].</param>
        public string ResBlock(string prefix, string x, string embAct, int inChannels, int outChannels, int height, int width)
        {
            var h = Conv(prefix + ".conv1", SiLU(GroupNorm(prefix + ".norm1", x, inChannels, height, width)));
            var ss = g.Node("Unsqueeze", [Linear(prefix + ".embProj", embAct), Axes(2, 3)]);
            var parts = g.Node("Split", [ss, Shape(outChannels, outChannels)], 2, OnnxAttribute.Int("axis", 1));
            var scale = g.Node("Add", [parts[0], Scalar("one", 1f)]);
            h = g.Node("Add", [g.Node("Mul", [GroupNorm(prefix + ".norm2", h, outChannels, height, width), scale]), parts[1]]);
            h = Conv(prefix + ".conv2", SiLU(h));
            var residual = inChannels != outChannels ? Conv(prefix + ".skip", x) : x;
            return g.Node("Add", [residual, h]);
        }

        public string Attention(string prefix, string x, int channels, int height, int width, int heads)
        {
            long n = (long)height * width, d = channels / heads;
            var qkv = Conv(prefix + ".qkv", GroupNorm(prefix + ".norm", x, channels, height, width));
            var parts = g.Node("Reshape", [qkv, Shape(-1, 3, heads, d, n)]);                 // [N, 3, heads, d, n]
            var qT = g.Node("Gather", [parts, Index(0)], OnnxAttribute.Int("axis", 1));       // [N, heads, d, n]
            var kT = g.Node("Gather", [parts, Index(1)], OnnxAttribute.Int("axis", 1));
            var vT = g.Node("Gather", [parts, Index(2)], OnnxAttribute.Int("axis", 1));
            var q = g.Node("Transpose", [qT], OnnxAttribute.Ints("perm", 0, 1, 3, 2));         // [N, heads, n, d]
            var v = g.Node("Transpose", [vT], OnnxAttribute.Ints("perm", 0, 1, 3, 2));
            var scores = g.Node("Mul", [g.Node("MatMul", [q, kT]), Scalar($"attention_scale_{d}", (float)(1.0 / Math.Sqrt(d)))]);
            var weights = g.Node("Softmax", [scores], OnnxAttribute.Int("axis", -1));          // [N, heads, n, n]
            var o = g.Node("MatMul", [weights, v]);                                             // [N, heads, n, d]
            var oT = g.Node("Transpose", [o], OnnxAttribute.Ints("perm", 0, 1, 3, 2));         // [N, heads, d, n]
            var merged = g.Node("Reshape", [oT, Shape(-1, channels, height, width)]);
            return g.Node("Add", [x, Conv(prefix + ".proj", merged)]);
        }

        public string Concat(string a, string b) => g.Node("Concat", [a, b], OnnxAttribute.Int("axis", 1));

        /// <summary>Nearest 2x: output pixel (i, j) takes input (floor(i / 2), floor(j / 2)), as interpolate(scale 2, nearest).</summary>
        public string Upsample(string x)
        {
            var scales = Constant("upsample_scales", () => g.Initializer("upsample_scales", [4], [1f, 1f, 2f, 2f]));
            return g.Node("Resize", [x, "", scales],
                OnnxAttribute.String("mode", "nearest"), OnnxAttribute.String("coordinate_transformation_mode", "asymmetric"),
                OnnxAttribute.String("nearest_mode", "floor"));
        }

        /// <summary>TimestepEmbedder: cat(cos, sin) of t * 1000 * freqs, then fc1, SiLU, fc2.</summary>
        public string TimeEmbedding(string t, int frequencyDim)
        {
            int half = frequencyDim / 2;
            float[] freqs;
            using (var f = exp(arange(half, dtype: float32) * (-Math.Log(10000.0) / half)))
                freqs = f.data<float>().ToArray();
            var table = g.Initializer("time_frequencies", [1, half], freqs);
            var args = g.Node("Mul", [g.Node("Unsqueeze", [g.Node("Mul", [t, Scalar("time_scale", 1000f)]), Axes(1)]), table]);
            var emb = g.Node("Concat", [g.Node("Cos", [args]), g.Node("Sin", [args])], OnnxAttribute.Int("axis", 1));
            return Linear("timeEmbed.fc2", SiLU(Linear("timeEmbed.fc1", emb)));
        }
    }
}
