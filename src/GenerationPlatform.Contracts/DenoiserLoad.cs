namespace GenerationPlatform.Contracts;

/// <summary>What a denoiser has queued and how fast it works: what routing compares.</summary>
[GenerateSerializer, Immutable]
public sealed record DenoiserLoad(
    /// <summary>Trajectory steps (rows) queued or in flight.</summary>
    [property: Id(0)] long QueuedSteps,
    /// <summary>Rows per second of a full call (its batch cap) by the fit of its recent call times (0 before its first call).</summary>
    [property: Id(1)] double RowsPerSecond,
    /// <summary>The most rows in one model call (measured or configured).</summary>
    [property: Id(2)] int BatchCap,
    [property: Id(3)] int ActiveRequests);
