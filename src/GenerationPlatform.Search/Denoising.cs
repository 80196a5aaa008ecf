using GenerationPlatform.Diffusion.Model;
using GenerationPlatform.Diffusion.Sampling;

namespace GenerationPlatform.Search;

/// <summary>
/// The end of one denoised segment: the state at <see cref="Time"/>, captured x0-predictions and the NFE spent.
/// For a model with a renderer (latent models, or another value range) a final state (t = 0) and the
/// x0-predictions are rendered images (<see cref="IDenoiser.ImageShape"/>), which is all anyone reads of them.
/// </summary>
public sealed record DenoiseOutcome(float[] State, float Time, IReadOnlyList<X0Prediction> X0Predictions, int Nfe, int ModelEvaluations)
{
    /// <summary>The outcome of a finished trajectory, rendered by <paramref name="renderer"/> when the model has one.</summary>
    public static DenoiseOutcome Of(Trajectory t, IImageRenderer? renderer) => new(
        renderer is not null && t.Time == 0f ? renderer.Render(t.State, 1) : t.State.ToArray(),
        t.Time,
        renderer is null ? t.X0Predictions : t.X0Predictions.Select(x => x with { Image = renderer.Render(x.Image, 1) }).ToArray(),
        t.Nfe,
        t.Spec.ModelEvaluations);
}

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
        return Task.FromResult(trajectories.Select(t => DenoiseOutcome.Of(t, renderer)).ToArray());
    }
}
