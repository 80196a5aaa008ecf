using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GenerationPlatform.Diffusion.Model;

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
