using GenerationPlatform.Diffusion.Sampling;
using GenerationPlatform.Core.Model;
using GenerationPlatform.Serving;

namespace GenerationPlatform.Grains;

/// <summary>The velocity field for a model name; the silo loads networks, tests hand in analytic fields.</summary>
public interface IVelocityFieldProvider
{
    /// <summary>Throws <see cref="UnknownModelException"/> for a model this silo does not serve.</summary>
    IVelocityField Get(string model);

    /// <summary>What turns the model's final states into images (latent models, other value ranges); null: the states are the images.</summary>
    IImageRenderer? Renderer(string model) => null;

    /// <summary>The models this silo serves and warms up at start (<see cref="ModelWarmup"/>); none by default (fields made on demand).</summary>
    IReadOnlyList<string> Served => [];

    /// <summary>What a measured batch cap of the model holds for (its files, this machine); null: its cap is not remembered.</summary>
    BatchCapKey? CapKey(string model) => null;

    /// <summary>The model's shapes and conditioning (by default read from its field).</summary>
    ModelDescription Describe(string model)
    {
        var field = Get(model);
        return new ModelDescription(model, "", "analytic", field.Shape, field.Shape, field.Conditioning);
    }
}
