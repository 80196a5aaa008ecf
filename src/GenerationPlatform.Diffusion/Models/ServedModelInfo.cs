using GenerationPlatform.Core.Model;
using GenerationPlatform.Core.Models;

namespace GenerationPlatform.Diffusion.Models;

/// <summary>What a served model looks like from outside, without its network.</summary>
/// <param name="Shape">The state the denoiser works on (the latent's for latent models).</param>
/// <param name="ImageShape">The images it produces (pixels, after the decoder for latent models).</param>
/// <param name="LatentShape">The latent's shape for latent models, else null.</param>
public sealed record ServedModelInfo(
    string Name,
    string Description,
    string Backend,
    string Device,
    ImageShape Shape,
    ImageShape ImageShape,
    ImageShape? LatentShape,
    Conditioning Conditioning,
    ModelDefaults Defaults,
    PredictionKind Prediction,
    string Folder)
{
    public bool IsLatent => LatentShape is not null;

    public ModelDescription ToDescription() =>
        new(Name, Description, Backend, Shape, ImageShape, Conditioning, Defaults.Sampler, Defaults.Steps, Defaults.Guidance);
}
