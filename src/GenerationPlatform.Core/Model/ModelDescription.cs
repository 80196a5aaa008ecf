namespace GenerationPlatform.Core.Model;

/// <summary>
/// What callers of a served model need to know without loading its network: its state shape (a latent's
/// for latent models), the shape of the images it produces, what it is conditioned on, and its defaults.
/// </summary>
public sealed record ModelDescription(
    string Name,
    string Description,
    string Backend,
    ImageShape Shape,
    ImageShape ImageShape,
    Conditioning Conditioning,
    string DefaultSampler = "heun",
    int DefaultSteps = 10,
    float DefaultGuidance = 1.5f,
    /// <summary>FLOPs of one sample's forward pass (one NFE, unguided); 0: not known.</summary>
    double ForwardFlops = 0)
{
    public bool IsLatent => Shape != ImageShape;
}
