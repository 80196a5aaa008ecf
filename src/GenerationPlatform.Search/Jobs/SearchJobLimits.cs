namespace GenerationPlatform.Search.Jobs;

/// <summary>
/// The bounds on everything a job request sizes, one set for the API and the CLI (the server's are configuration:
/// GenerationPlatform:Api:Limits). The science's own hard limits (<see cref="SearchLimits"/>) lie above them.
/// </summary>
public sealed record SearchJobLimits(
    int MaxTopK = 16,
    int MaxSteps = 200,
    long MaxBudgetNfe = 100_000,
    int MaxReportedVerifiers = 4,
    int MaxNameLength = 128,
    float MaxGuidance = 20,
    TimeSpan? MaxDeadline = null,
    double MaxVerifierCostRatio = 4,
    long MaxCallBytes = SearchJobLimits.DefaultMaxCallBytes,
    long MaxKeptImageBytes = SearchJobLimits.DefaultMaxKeptImageBytes)
{
    /// <summary>The states of one denoise call, in bytes (its trajectories x the model's state size): 256 MiB.</summary>
    public const long DefaultMaxCallBytes = 256L << 20;

    /// <summary>The images one job keeps as candidates until its result is chosen, in bytes: 2 GiB.</summary>
    public const long DefaultMaxKeptImageBytes = 2L << 30;

    public static SearchJobLimits Default { get; } = new();

    /// <summary>The longest a job may run from its acceptance.</summary>
    public TimeSpan DeadlineLimit => MaxDeadline ?? TimeSpan.FromHours(1);

    /// <summary>The most a job's verifiers may cost, in NFE-equivalents of its model: <see cref="MaxVerifierCostRatio"/> x its budget.</summary>
    public double VerifierCostLimit(long budgetNfe) => MaxVerifierCostRatio * budgetNfe;

    /// <summary>The longest class text (a name or an index).</summary>
    public const int MaxClassLength = 64;

    /// <summary>The most previews (small PNGs of the best candidates) a progress update carries.</summary>
    public const int MaxPreviews = 4;

    /// <summary>The longest side of a preview, in pixels: larger images are scaled down by a whole factor.</summary>
    public const int PreviewSide = 64;
}
