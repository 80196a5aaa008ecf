namespace GenerationPlatform.Search;

/// <summary>Which part of a search's description a plan problem is about.</summary>
public enum SearchPlanField
{
    /// <summary>An algorithm parameter (its name is <see cref="SearchPlanException.Parameter"/>).</summary>
    AlgorithmParameter,
    /// <summary>The NFE budget (too small for one sample, or too large).</summary>
    Budget,
    /// <summary>The sampler steps.</summary>
    Steps,
    /// <summary>How many results to return.</summary>
    TopK,
    /// <summary>The algorithm spec itself (its syntax or its name).</summary>
    Algorithm,
    /// <summary>The adaptive budget's target score.</summary>
    TargetScore,
    /// <summary>The adaptive budget's patience.</summary>
    Patience,
}
