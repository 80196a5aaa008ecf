namespace GenerationPlatform.Search;

/// <summary>Why a search ended.</summary>
public enum StopReason
{
    /// <summary>It did what it planned (its budget, or its rounds).</summary>
    Completed,
    /// <summary>Its best score reached the requested target.</summary>
    TargetReached,
    /// <summary>Its best score did not improve for the requested number of rounds.</summary>
    NoImprovement,
}
