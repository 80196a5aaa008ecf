namespace GenerationPlatform.Api;

/// <summary>Hard limits on everything a request can size (section GenerationPlatform:Api:Limits).</summary>
public sealed class RequestLimits
{
    public const string Section = "GenerationPlatform:Api:Limits";

    public int MaxTopK { get; set; } = 16;
    public int MaxSteps { get; set; } = 200;
    public long MaxBudgetNfe { get; set; } = 100_000;
    public int MaxReportedVerifiers { get; set; } = 4;
    /// <summary>Longest model, verifier, algorithm or class string.</summary>
    public int MaxNameLength { get; set; } = 128;
    public float MaxGuidance { get; set; } = 20;
    public TimeSpan MaxDeadline { get; set; } = TimeSpan.FromHours(1);
    /// <summary>The largest request message the server reads.</summary>
    public int MaxReceiveMessageBytes { get; set; } = 64 * 1024;
    /// <summary>The largest response message (a result with top-k PNGs) the server sends.</summary>
    public int MaxSendMessageBytes { get; set; } = 4 * 1024 * 1024;
    /// <summary>Watch streams one tenant may hold open on one server at a time; one more is RESOURCE_EXHAUSTED.</summary>
    public int MaxWatchStreamsPerTenant { get; set; } = 16;
    /// <summary>The longest a Generate or Watch stream stays open; it then ends with DEADLINE_EXCEEDED and the index to re-attach from.</summary>
    public TimeSpan MaxWatchDuration { get; set; } = TimeSpan.FromMinutes(30);
    /// <summary>Memory for completed jobs' results (PNGs included) kept to answer GetJob and Watch without the store; 0: none.</summary>
    public long ResultCacheBytes { get; set; } = 64L * 1024 * 1024;
    /// <summary>The most a job's verifiers may cost, as a multiple of its budget_nfe in NFE-equivalents of its model; more is refused at planning.</summary>
    public double MaxVerifierCostRatio { get; set; } = 4;

    /// <summary>The states of one denoise call, in MiB (trajectories x the model's state size).</summary>
    public int MaxCallMiB { get; set; } = (int)(Search.Jobs.SearchJobLimits.DefaultMaxCallBytes >> 20);

    /// <summary>The images one job keeps as candidates until its result is chosen, in MiB.</summary>
    public int MaxKeptImageMiB { get; set; } = (int)(Search.Jobs.SearchJobLimits.DefaultMaxKeptImageBytes >> 20);

    /// <summary>The bounds a job request is validated against (<see cref="Search.Jobs.SearchJobValidation"/>), as configured here.</summary>
    public Search.Jobs.SearchJobLimits Job => new(MaxTopK, MaxSteps, MaxBudgetNfe, MaxReportedVerifiers, MaxNameLength, MaxGuidance, MaxDeadline, MaxVerifierCostRatio,
        (long)MaxCallMiB << 20, (long)MaxKeptImageMiB << 20);

    /// <summary>What is wrong with these limits, naming the key; empty when nothing is.</summary>
    public IEnumerable<string> Problems() => Problem() is { } problem ? [problem] : [];

    private string? Problem() =>
        MaxTopK is < 1 or > 256 ? $"{Section}:MaxTopK must be 1-256"
        : MaxSteps is < 1 or > 10_000 ? $"{Section}:MaxSteps must be 1-10000"
        : MaxBudgetNfe < 1 ? $"{Section}:MaxBudgetNfe must be positive"
        : MaxReportedVerifiers is < 0 or > 64 ? $"{Section}:MaxReportedVerifiers must be 0-64"
        : MaxNameLength is < 8 or > 4096 ? $"{Section}:MaxNameLength must be 8-4096"
        : !(MaxGuidance > 0) ? $"{Section}:MaxGuidance must be positive"
        : MaxDeadline <= TimeSpan.Zero ? $"{Section}:MaxDeadline must be positive"
        : MaxReceiveMessageBytes is < 1024 or > 16 * 1024 * 1024 ? $"{Section}:MaxReceiveMessageBytes must be 1 KiB-16 MiB"
        : MaxSendMessageBytes is < 64 * 1024 or > 64 * 1024 * 1024 ? $"{Section}:MaxSendMessageBytes must be 64 KiB-64 MiB"
        : MaxWatchStreamsPerTenant is < 1 or > 10_000 ? $"{Section}:MaxWatchStreamsPerTenant must be 1-10000"
        : MaxWatchDuration < TimeSpan.FromSeconds(1) || MaxWatchDuration > TimeSpan.FromDays(1) ? $"{Section}:MaxWatchDuration must be between 1 second and 1 day"
        : ResultCacheBytes is < 0 or > 16L * 1024 * 1024 * 1024 ? $"{Section}:ResultCacheBytes must be 0-16 GiB"
        : !(MaxVerifierCostRatio > 0 && MaxVerifierCostRatio <= 10_000) ? $"{Section}:MaxVerifierCostRatio must be in (0, 10000] (got {MaxVerifierCostRatio})"
        : MaxCallMiB is < 1 or > 16_384 ? $"{Section}:MaxCallMiB must be between 1 and 16384 (got {MaxCallMiB})"
        : MaxKeptImageMiB is < 1 or > 65_536 ? $"{Section}:MaxKeptImageMiB must be between 1 and 65536 (got {MaxKeptImageMiB})"
        : null;

    /// <summary>A plain identifier: letters, digits, '-', '_' or '.', 1 to <paramref name="maxLength"/> characters.</summary>
    public static bool IsName(string? s, int maxLength) =>
        !string.IsNullOrEmpty(s) && s.Length <= maxLength && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}
