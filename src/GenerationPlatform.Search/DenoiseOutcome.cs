using GenerationPlatform.Core.Model;
using GenerationPlatform.Core.Sampling;

namespace GenerationPlatform.Search;

/// <summary>
/// The end of one denoised segment: the state at <see cref="Time"/>, captured x0-predictions and the NFE spent.
/// For a model with a renderer (latent models, or another value range) a final state (t = 0) and the
/// x0-predictions are rendered images (<see cref="IDenoiser.ImageShape"/>), which is all anyone reads of them.
/// </summary>
public sealed record DenoiseOutcome(float[] State, float Time, IReadOnlyList<X0Prediction> X0Predictions, int Nfe, int ModelEvaluations)
{
    /// <summary>
    /// The outcomes of finished trajectories, rendered by <paramref name="renderer"/> when the model has one: every final
    /// state and every x0-prediction of the call in one render (one decoder batch), not one render per image.
    /// </summary>
    public static DenoiseOutcome[] OfAll(IReadOnlyList<Trajectory> trajectories, IImageRenderer? renderer)
    {
        if (renderer is null)
            return trajectories.Select(t => new DenoiseOutcome(t.State.ToArray(), t.Time, t.X0Predictions, t.Nfe, t.Spec.ModelEvaluations)).ToArray();
        // What renders: the final states (t = 0) and all captures, gathered flat in trajectory order.
        var sources = new List<float[]>();
        foreach (var t in trajectories)
        {
            if (t.Time == 0f) sources.Add(t.State.ToArray());
            sources.AddRange(t.X0Predictions.Select(x => x.Image));
        }
        int stateSize = trajectories.Count == 0 ? 0 : trajectories[0].State.Length, imageSize = renderer.ImageShape.Size;
        var flat = new float[sources.Count * stateSize];
        for (int i = 0; i < sources.Count; i++) sources[i].CopyTo(flat, i * stateSize);
        var rendered = sources.Count == 0 ? [] : renderer.Render(flat, sources.Count);
        int next = 0;
        float[] Take() => rendered.AsSpan(next++ * imageSize, imageSize).ToArray();
        return trajectories.Select(t =>
        {
            var state = t.Time == 0f ? Take() : t.State.ToArray();
            var captures = t.X0Predictions.Select(x => x with { Image = Take() }).ToArray();
            return new DenoiseOutcome(state, t.Time, captures, t.Nfe, t.Spec.ModelEvaluations);
        }).ToArray();
    }
}
