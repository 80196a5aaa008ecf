using GenerationPlatform.Diffusion.Data;
using static TorchSharp.torch;

namespace GenerationPlatform.Diffusion.Training;

/// <summary>A Fashion-MNIST split as tensors: images [N,1,28,28] in [-1, 1] and int64 labels [N].</summary>
public sealed class DatasetTensors : IDisposable
{
    public Tensor Images { get; }
    public Tensor Labels { get; }
    public int Count { get; }

    public DatasetTensors(FashionMnistSplit split)
    {
        Count = split.Count;
        using var raw = tensor(split.Pixels, [split.Count, 1, FashionMnistSplit.Side, FashionMnistSplit.Side]);
        Images = raw.to(ScalarType.Float32).div_(127.5f).sub_(1f);
        Labels = tensor(split.Labels.Select(b => (long)b).ToArray());
    }

    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
    }
}
