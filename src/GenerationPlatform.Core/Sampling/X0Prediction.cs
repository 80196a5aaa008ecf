namespace GenerationPlatform.Core.Sampling;

/// <summary>
/// An x0-prediction x_t - t v(x_t, t) captured on the way down, from the first model evaluation at or below the
/// requested time (a step's start, Heun's corrector at a segment's end, or the end evaluation of
/// <see cref="TrajectorySpec.EvaluatesAtEnd"/>): <see cref="Time"/> is the time of that evaluation, never an earlier one.
/// </summary>
public sealed record X0Prediction(float RequestedTime, float Time, float[] Image);
