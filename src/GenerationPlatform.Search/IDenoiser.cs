using GenerationPlatform.Core.Model;
using GenerationPlatform.Core.Sampling;

namespace GenerationPlatform.Search;

/// <summary>
/// Denoises a batch of trajectory segments. Outcome i belongs to spec i; an implementation may run
/// them in any order or batch, locally or on remote accelerators.
/// </summary>
public interface IDenoiser
{
    /// <summary>The shape of the states it denoises (its model's).</summary>
    ImageShape Shape { get; }

    /// <summary>The shape of final images and x0-predictions in outcomes (differs from <see cref="Shape"/> for latent models).</summary>
    ImageShape ImageShape => Shape;

    Task<DenoiseOutcome[]> DenoiseAsync(IReadOnlyList<TrajectorySpec> batch, CancellationToken cancellationToken);
}
