using GenerationPlatform.Diffusion.Sampling;
using GenerationPlatform.Search;
using GenerationPlatform.Core.Model;
using GenerationPlatform.Core.Sampling;

namespace GenerationPlatform.Serving;

/// <summary>Runs segments in this process with the batched trajectory sampler.</summary>
/// <remarks>With a <paramref name="renderer"/> (latent models), final states and x0-predictions come back rendered.</remarks>
public sealed class LocalDenoiser(IVelocityField velocityField, int maxBatch = 256, IImageRenderer? renderer = null) : IDenoiser
{
    public ImageShape Shape => velocityField.Shape;
    public ImageShape ImageShape => renderer?.ImageShape ?? velocityField.Shape;

    public Task<DenoiseOutcome[]> DenoiseAsync(IReadOnlyList<TrajectorySpec> batch, CancellationToken cancellationToken)
    {
        var trajectories = batch.Select(s => new Trajectory(s, velocityField.Shape.Size)).ToArray();
        new TrajectorySampler(velocityField, maxBatch).Run(trajectories, cancellationToken);
        return Task.FromResult(DenoiseOutcome.OfAll(trajectories, renderer));
    }
}
