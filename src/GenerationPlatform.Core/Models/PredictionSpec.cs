namespace GenerationPlatform.Core.Models;

/// <summary>What the network predicts and in which time convention; <see cref="Schedule"/> for VP (epsilon, x0) models.</summary>
public sealed record PredictionSpec(PredictionKind Kind, VpSchedule? Schedule = null)
{
    public static PredictionSpec Velocity { get; } = new(PredictionKind.Velocity);

    /// <summary>"flow" for velocity models, "vp" for epsilon and x0 models.</summary>
    public string Time => Kind == PredictionKind.Velocity ? "flow" : "vp";

    public bool NeedsConversion => Kind != PredictionKind.Velocity;
}
