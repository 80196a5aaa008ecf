using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using GenerationPlatform.Core.Model;

namespace GenerationPlatform.Diffusion.Model;

/// <summary>
/// Shape of the velocity network: base channels and per-level multipliers at full, half and quarter
/// resolution; the image's channels and sides (each side a multiple of 4); and its conditioning: class
/// labels (<see cref="TextEmbedding"/> 0) or prompt embeddings of <see cref="TextEmbedding"/> values.
/// </summary>
public sealed record UNetConfig(int BaseChannels = 32, int[]? Multipliers = null, int EmbeddingDim = 128, int Classes = 10, double Dropout = 0.1, int AttentionHeads = 4,
    int ImageChannels = 1, int Height = 28, int Width = 28, int TextEmbedding = 0)
{
    public int[] ChannelMultipliers => Multipliers ?? [1, 2, 2];
    public int NullLabel => Classes;
    public bool IsText => TextEmbedding > 0;
    public ImageShape Shape => new(ImageChannels, Height, Width);

    public int Channels(int level) => BaseChannels * ChannelMultipliers[level];

    public static UNetConfig Default { get; } = new();
}

/// <summary>Sinusoidal embedding of t (scaled by 1000, as in DiT) followed by a two-layer MLP.</summary>
public sealed class TimestepEmbedder : Module<Tensor, Tensor>
{
    private readonly int frequencyDim;
    private readonly Linear fc1, fc2;

    public TimestepEmbedder(int frequencyDim, int hidden) : base(nameof(TimestepEmbedder))
    {
        this.frequencyDim = frequencyDim;
        fc1 = Linear(frequencyDim, hidden);
        fc2 = Linear(hidden, hidden);
        RegisterComponents();
    }

    public override Tensor forward(Tensor t)
    {
        using var scope = NewDisposeScope();
        int half = frequencyDim / 2;
        var freqs = exp(arange(half, dtype: float32, device: t.device) * (-Math.Log(10000.0) / half));
        var args = (t.to(float32) * 1000f).unsqueeze(1) * freqs.unsqueeze(0);
        var emb = cat([cos(args), sin(args)], 1);
        return fc2.forward(functional.silu(fc1.forward(emb))).MoveToOuterDisposeScope();
    }
}

/// <summary>Residual block conditioned on the embedding through a per-channel scale and shift.</summary>
public sealed class ResBlock : Module<Tensor, Tensor, Tensor>
{
    private readonly GroupNorm norm1, norm2;
    private readonly Conv2d conv1, conv2;
    private readonly Linear embProj;
    private readonly Dropout dropout;
    private readonly Module<Tensor, Tensor>? skip;
    public int InChannels { get; }
    public int OutChannels { get; }

    public ResBlock(int inChannels, int outChannels, int embeddingDim, double dropoutRate) : base(nameof(ResBlock))
    {
        InChannels = inChannels;
        OutChannels = outChannels;
        norm1 = Norm(inChannels);
        conv1 = Conv2d(inChannels, outChannels, 3, padding: 1);
        embProj = Linear(embeddingDim, 2 * outChannels);
        norm2 = Norm(outChannels);
        dropout = Dropout(dropoutRate);
        conv2 = Conv2d(outChannels, outChannels, 3, padding: 1);
        if (inChannels != outChannels) skip = Conv2d(inChannels, outChannels, 1);
        RegisterComponents();
        using (no_grad())
        {
            // Each block starts as the identity, which keeps early training stable.
            conv2.weight!.zero_();
            conv2.bias!.zero_();
        }
    }

    /// <summary>GroupNorm with its affine parameters set explicitly: TorchSharp 0.107 leaves them uninitialized.</summary>
    internal static GroupNorm Norm(int channels)
    {
        var norm = GroupNorm(channels % 8 == 0 ? 8 : 1, channels);
        using (no_grad())
        {
            norm.weight!.fill_(1f);
            norm.bias!.zero_();
        }
        return norm;
    }

    public override Tensor forward(Tensor x, Tensor emb)
    {
        using var scope = NewDisposeScope();
        var h = conv1.forward(functional.silu(norm1.forward(x)));
        var ss = embProj.forward(functional.silu(emb)).unsqueeze(-1).unsqueeze(-1).chunk(2, 1);
        h = norm2.forward(h) * (ss[0] + 1) + ss[1];
        h = conv2.forward(dropout.forward(functional.silu(h)));
        var residual = skip is null ? x : skip.forward(x);
        return (residual + h).MoveToOuterDisposeScope();
    }
}

/// <summary>Multi-head self-attention over the pixels of the coarsest feature map.</summary>
public sealed class AttentionBlock : Module<Tensor, Tensor>
{
    private readonly GroupNorm norm;
    private readonly Conv2d qkv, proj;
    private readonly int heads;

    public AttentionBlock(int channels, int heads) : base(nameof(AttentionBlock))
    {
        this.heads = heads;
        norm = ResBlock.Norm(channels);
        qkv = Conv2d(channels, 3 * channels, 1);
        proj = Conv2d(channels, channels, 1);
        RegisterComponents();
        using (no_grad())
        {
            proj.weight!.zero_();
            proj.bias!.zero_();
        }
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0], c = x.shape[1], hgt = x.shape[2], wid = x.shape[3], n = hgt * wid;
        long d = c / heads;
        // [b, 3, heads, d, n] -> three [b, heads, n, d]
        var parts = qkv.forward(norm.forward(x)).reshape(b, 3, heads, d, n).transpose(-1, -2).unbind(1);
        var o = functional.scaled_dot_product_attention(parts[0], parts[1], parts[2]);
        o = o.transpose(-1, -2).reshape(b, c, hgt, wid);
        return (x + proj.forward(o)).MoveToOuterDisposeScope();
    }
}

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
