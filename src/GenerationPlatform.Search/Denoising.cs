using GenerationPlatform.Diffusion.Sampling;

namespace GenerationPlatform.Search;

/// <summary>The end of one denoised segment: the state at <see cref="Time"/>, captured x0-predictions and the NFE spent.</summary>
public sealed record DenoiseOutcome(float[] State, float Time, IReadOnlyList<X0Prediction> X0Predictions, int Nfe, int ModelEvaluations);

/// <summary>
/// Denoises a batch of trajectory segments. Outcome i belongs to spec i; an implementation may run
/// them in any order or batch, locally or on remote accelerators.
/// </summary>
public interface IDenoiser
{
    Task<DenoiseOutcome[]> DenoiseAsync(IReadOnlyList<TrajectorySpec> batch, CancellationToken cancellationToken);
}

/// <summary>Runs segments in this process with the batched trajectory sampler.</summary>
public sealed class LocalDenoiser(IVelocityField field, int maxBatch = 256) : IDenoiser
{
    public Task<DenoiseOutcome[]> DenoiseAsync(IReadOnlyList<TrajectorySpec> batch, CancellationToken cancellationToken)
    {
        var trajectories = batch.Select(s => new Trajectory(s)).ToArray();
        new TrajectorySampler(field, maxBatch).Run(trajectories, cancellationToken);
        return Task.FromResult(trajectories.Select(t =>
            new DenoiseOutcome(t.State.ToArray(), t.Time, t.X0Predictions, t.Nfe, t.Spec.ModelEvaluations)).ToArray());
    }
}
