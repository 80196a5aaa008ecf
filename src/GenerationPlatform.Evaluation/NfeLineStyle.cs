namespace GenerationPlatform.Evaluation;

/// <summary>How a line of a scaling panel is drawn.</summary>
internal enum NfeLineStyle
{
    /// <summary>A search series: a solid line in its palette colour.</summary>
    Series,

    /// <summary>The more-steps baseline: a thick dashed grey line.</summary>
    Steps,

    /// <summary>The stochastic-sampler baseline: a dotted black line.</summary>
    Stochastic,

    /// <summary>The no-search point: black markers, no line.</summary>
    NoSearch,
}
