using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace GenerationPlatform.Verifiers.Text;

/// <summary>
/// The two towers of the `text-align` verifier, trained CLIP-style (<see cref="TextAlignTrainer"/>): a small CNN maps an
/// RGB 28x28 image in [-1, 1] to a unit vector of <see cref="EmbeddingSize"/> values; a linear map (initialised to the
/// identity) takes the frozen sentence encoder's prompt embedding into the same space, re-normalised. The score is
/// their cosine. The CNN keeps the spatial layout up to a 7x7 map and flattens it (no global pooling), so which side a
/// shoe's toe is on survives to the embedding.
/// </summary>
public sealed class TextAlignEncoder : Module<Tensor, Tensor>
{
    public const int EmbeddingSize = 384;
    private readonly Sequential image;
    private readonly Linear text;

    private readonly Parameter logitScale;

    /// <summary>Learned log of the InfoNCE inverse temperature (CLIP's logit scale), initialised to log(1 / 0.07).</summary>
    public Parameter LogitScale => logitScale;

    public TextAlignEncoder(int width = 32) : base(nameof(TextAlignEncoder))
    {
        Width = width;
        image = Sequential(
            ("conv1", Conv2d(3, width, 3, padding: 1)), ("act1", ReLU()),
            ("conv2", Conv2d(width, width, 3, padding: 1)), ("act2", ReLU()),
            ("pool1", MaxPool2d(2)),
            ("conv3", Conv2d(width, 2 * width, 3, padding: 1)), ("act3", ReLU()),
            ("conv4", Conv2d(2 * width, 2 * width, 3, padding: 1)), ("act4", ReLU()),
            ("pool2", MaxPool2d(2)),
            ("flatten", Flatten()),
            ("fc1", Linear(2 * width * 7 * 7, 256)), ("act5", ReLU()),
            ("fc2", Linear(256, EmbeddingSize)));
        text = Linear(EmbeddingSize, EmbeddingSize);
        logitScale = new Parameter(tensor(MathF.Log(1f / 0.07f)));
        RegisterComponents();
        using (no_grad())
        {
            text.weight!.copy_(eye(EmbeddingSize));
            text.bias!.zero_();
        }
    }

    /// <summary>The CNN's base channel count.</summary>
    public int Width { get; }

    /// <summary>FLOPs (2 per multiply-add) of one image's score at this width: the CNN, the prompt's projection and the cosine.</summary>
    public double ScoreFlops => ScoreFlopsAt(Width);

    /// <summary>
    /// FLOPs of one image's score by an encoder of <paramref name="width"/>, counted from the layer shapes: four 3x3
    /// convolutions (28x28 then 14x14), the two linear layers of the image tower, the prompt's 384x384 projection (done per
    /// image) and the cosine. The prompt's sentence embedding is computed once per prompt (cached), not per image.
    /// </summary>
    public static double ScoreFlopsAt(int width) =>
        2.0 * 9 * (3 * width * 784 + width * width * 784 + width * 2 * width * 196 + 2 * width * 2 * width * 196)
        + 2.0 * (2 * width * 7 * 7 * 256 + 256 * EmbeddingSize) + 2.0 * EmbeddingSize * EmbeddingSize + 2.0 * EmbeddingSize;

    /// <summary>Unit image embeddings [B, 384] of images [B, 3, 28, 28].</summary>
    public override Tensor forward(Tensor images) => functional.normalize(image.forward(images), p: 2, dim: 1);

    /// <summary>Unit prompt embeddings [B, 384] in the joint space, from the sentence encoder's [B, 384].</summary>
    public Tensor Text(Tensor promptEmbeddings) => functional.normalize(text.forward(promptEmbeddings), p: 2, dim: 1);
}
