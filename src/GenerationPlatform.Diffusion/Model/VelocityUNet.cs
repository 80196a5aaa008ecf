using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GenerationPlatform.Diffusion.Model;

/// <summary>
/// Conditional velocity network v(x_t, t, y): a small UNet with levels at full, half and quarter
/// resolution (28, 14 and 7 pixels for Fashion-MNIST), attention at the quarter level, time and condition
/// embeddings summed, and a null condition for classifier-free guidance (label Classes, or the zero embedding).
/// </summary>
public sealed class VelocityUNet : Module<Tensor, Tensor, Tensor, Tensor>
{
    public UNetConfig Config { get; }
    private readonly TimestepEmbedder timeEmbed;
    private readonly Embedding? labelEmbed;
    private readonly Sequential? textProject;
    private readonly (Linear First, Linear Second)? textLayers; // the projection's two layers, typed (a tuple: not registered twice)
    private readonly Conv2d convIn, down0, down1, up1, up0, convOut;
    private readonly ResBlock enc0, enc1, enc2, mid1, mid2, dec2, dec1, dec0;
    private readonly AttentionBlock midAttn;
    private readonly GroupNorm normOut;

    public VelocityUNet(UNetConfig config) : base(nameof(VelocityUNet))
    {
        Config = config;
        int e = config.EmbeddingDim, c0 = config.Channels(0), c1 = config.Channels(1), c2 = config.Channels(2);
        double p = config.Dropout;
        timeEmbed = new TimestepEmbedder(config.BaseChannels * 2, e);
        if (config.Height % 4 != 0 || config.Width % 4 != 0 || config.Height < 4 || config.Width < 4)
            throw new ArgumentException($"image sides must be positive multiples of 4 (got {config.Height}x{config.Width})", nameof(config));
        // Text models project the prompt embedding through a two-layer MLP, which can amplify the small
        // differences the sentence encoder leaves between prompts; the zero embedding is the null condition.
        if (config.IsText)
        {
            textLayers = (Linear(config.TextEmbedding, e), Linear(e, e));
            textProject = Sequential(("fc1", textLayers.Value.First), ("act", SiLU()), ("fc2", textLayers.Value.Second));
        }
        else labelEmbed = Embedding(config.Classes + 1, e);
        convIn = Conv2d(config.ImageChannels, c0, 3, padding: 1);
        enc0 = new ResBlock(c0, c0, e, p);
        down0 = Conv2d(c0, c0, 3, stride: 2, padding: 1);      // 28 -> 14
        enc1 = new ResBlock(c0, c1, e, p);
        down1 = Conv2d(c1, c1, 3, stride: 2, padding: 1);      // 14 -> 7
        enc2 = new ResBlock(c1, c2, e, p);
        mid1 = new ResBlock(c2, c2, e, p);
        midAttn = new AttentionBlock(c2, config.AttentionHeads);
        mid2 = new ResBlock(c2, c2, e, p);
        dec2 = new ResBlock(c2 + c2, c2, e, p);
        up1 = Conv2d(c2, c2, 3, padding: 1);                   // after 7 -> 14
        dec1 = new ResBlock(c2 + c1, c1, e, p);
        up0 = Conv2d(c1, c1, 3, padding: 1);                   // after 14 -> 28
        dec0 = new ResBlock(c1 + c0, c0, e, p);
        normOut = ResBlock.Norm(c0);
        convOut = Conv2d(c0, config.ImageChannels, 3, padding: 1);
        RegisterComponents();
        using (no_grad())
        {
            convOut.weight!.zero_();
            convOut.bias!.zero_();
        }
    }

    /// <summary>A text model's prompt projection (embedding to the condition vector added to the time embedding); null for class models.</summary>
    public Module<Tensor, Tensor>? TextProjection => textProject;

    /// <summary>The projection's layers: <c>Second(SiLU(First(embedding)))</c>; null for class models.</summary>
    public (Linear First, Linear Second)? TextProjectionLayers => textLayers;

    /// <param name="x">[B, C, H, W] state at time t.</param>
    /// <param name="t">[B] times in [0, 1] (1 is pure noise).</param>
    /// <param name="condition">[B] int64 class indices (Config.NullLabel for the unconditional branch), or for text
    /// models [B, TextEmbedding] float32 prompt embeddings (zeros for the unconditional branch).</param>
    public override Tensor forward(Tensor x, Tensor t, Tensor condition)
    {
        using var scope = NewDisposeScope();
        var emb = timeEmbed.forward(t) + (textProject is not null ? textProject.forward(condition) : labelEmbed!.forward(condition));
        var h0 = enc0.forward(convIn.forward(x), emb);
        var h1 = enc1.forward(down0.forward(h0), emb);
        var h2 = enc2.forward(down1.forward(h1), emb);
        var h = mid2.forward(midAttn.forward(mid1.forward(h2, emb)), emb);
        h = dec2.forward(cat([h, h2], 1), emb);
        h = up1.forward(functional.interpolate(h, scale_factor: [2.0, 2.0], mode: InterpolationMode.Nearest));
        h = dec1.forward(cat([h, h1], 1), emb);
        h = up0.forward(functional.interpolate(h, scale_factor: [2.0, 2.0], mode: InterpolationMode.Nearest));
        h = dec0.forward(cat([h, h0], 1), emb);
        return convOut.forward(functional.silu(normOut.forward(h))).MoveToOuterDisposeScope();
    }

    public long ParameterCount() => parameters().Sum(p => p.numel());

    /// <summary>Multiply-add FLOPs (2 per MAC) of one forward pass of one sample, from the layer shapes.</summary>
    public double ForwardFlops()
    {
        int c0 = Config.Channels(0), c1 = Config.Channels(1), c2 = Config.Channels(2), e = Config.EmbeddingDim;
        int p28 = Config.Height * Config.Width, p14 = p28 / 4, p7 = p28 / 16, ch = Config.ImageChannels;
        static double Conv(int cin, int cout, int k, int pixels) => 2.0 * cin * cout * k * k * pixels;
        double Res(int cin, int cout, int pixels) =>
            Conv(cin, cout, 3, pixels) + Conv(cout, cout, 3, pixels) + (cin != cout ? Conv(cin, cout, 1, pixels) : 0) + 2.0 * e * 2 * cout;
        double attn = Conv(c2, 3 * c2, 1, p7) + Conv(c2, c2, 1, p7) + 2.0 * 2 * p7 * p7 * c2;
        double embed = 2.0 * (Config.BaseChannels * 2 * e + e * e) + (Config.IsText ? 2.0 * (Config.TextEmbedding * e + e * e) : 0);
        return embed + Conv(ch, c0, 3, p28) + Res(c0, c0, p28) + Conv(c0, c0, 3, p14) + Res(c0, c1, p14)
            + Conv(c1, c1, 3, p7) + Res(c1, c2, p7) + 2 * Res(c2, c2, p7) + attn + Res(2 * c2, c2, p7)
            + Conv(c2, c2, 3, p14) + Res(c2 + c1, c1, p14) + Conv(c1, c1, 3, p28) + Res(c1 + c0, c0, p28) + Conv(c0, ch, 3, p28);
    }
}
