using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GenerationPlatform.Diffusion.Model;

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
