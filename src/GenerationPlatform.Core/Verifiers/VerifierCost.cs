namespace GenerationPlatform.Core.Verifiers;

/// <summary>What a verifier has spent so far.</summary>
public sealed record VerifierCost(long Calls, long Images, TimeSpan WallTime)
{
    public static VerifierCost Zero { get; } = new(0, 0, TimeSpan.Zero);
    public VerifierCost Add(VerifierCost other) => new(Calls + other.Calls, Images + other.Images, WallTime + other.WallTime);
}
