using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GenerationPlatform.Diffusion.Model;

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
