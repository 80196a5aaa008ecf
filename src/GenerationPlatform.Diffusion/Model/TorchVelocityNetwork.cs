using static TorchSharp.torch;
using GenerationPlatform.Core.Model;

namespace GenerationPlatform.Diffusion.Model;

/// <summary>Our own <see cref="VelocityUNet"/> through TorchSharp, on the CPU or (a TorchSharp CUDA build) a GPU.</summary>
public sealed class TorchVelocityNetwork : IVelocityNetwork
{
    private readonly TorchSharp.torch.Device device;
    private readonly bool owns;

    /// <param name="conditioning">The class names or text encoder from the manifest; null: from the network's own config (classes named by index).</param>
    /// <param name="owns">Whether disposing this disposes the network.</param>
    public TorchVelocityNetwork(VelocityUNet network, Conditioning? conditioning = null, bool owns = true)
    {
        Network = network;
        this.owns = owns;
        var config = network.Config;
        Conditioning = conditioning ?? (config.IsText
            ? Conditioning.ForText("unnamed", config.TextEmbedding)
            : Conditioning.ForClasses(Enumerable.Range(0, config.Classes).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray()));
        if (Conditioning.IsText != config.IsText || (Conditioning.IsText ? Conditioning.EmbeddingSize != config.TextEmbedding : Conditioning.Classes != config.Classes))
            throw new ModelLoadException("conditioning", $"the manifest declares {Conditioning} " +
                $"but the network takes {(config.IsText ? $"{config.TextEmbedding}-d embeddings" : $"{config.Classes} classes")}");
        device = network.parameters().First().device;
        ForwardFlops = network.ForwardFlops();
    }

    public VelocityUNet Network { get; }
    public ImageShape Shape => Network.Config.Shape;
    public Conditioning Conditioning { get; }
    public string Backend => "torchsharp";
    public string Device => device.type == TorchSharp.DeviceType.CPU ? ComputeDevice.Cpu : ComputeDevice.Cuda;
    public double ForwardFlops { get; }

    public Tensor Forward(Tensor x, Tensor t, Tensor condition)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        if (device.type == TorchSharp.DeviceType.CPU) return Network.forward(x, t, condition).MoveToOuterDisposeScope();
        return Network.forward(x.to(device), t.to(device), condition.to(device)).cpu().MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        if (owns) Network.Dispose();
    }
}
