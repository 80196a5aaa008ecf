namespace GenerationPlatform.Silo;

/// <summary>What this silo declares in its silo metadata (section GenerationPlatform:Silo): denoisers go only where a model and an accelerator are declared.</summary>
public sealed class SiloDeclarationOptions
{
    public const string Section = "GenerationPlatform:Silo";

    /// <summary><c>cuda</c>, <c>cpu</c> (CPU silos that serve models: the embedded default) or <c>none</c> (serves no model).</summary>
    public string Accelerator { get; set; } = "cpu";

    /// <summary>Comma-separated model names this silo serves, or <c>*</c> for every configured model.</summary>
    public string Models { get; set; } = "*";

    public bool ServesModels => !string.Equals(Accelerator?.Trim(), "none", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Whether search jobs (and the verifier work they bring) may be placed here. False makes a dedicated
    /// denoiser silo: its cores go to the model alone. At least one silo of a cluster must host jobs.
    /// </summary>
    public bool HostsJobs { get; set; } = true;

    /// <summary>What is wrong with these options, naming the key; empty when nothing is.</summary>
    public IEnumerable<string> Problems() => Problem() is { } problem ? [problem] : [];

    private string? Problem() =>
        Accelerator?.Trim().ToLowerInvariant() is not ("cuda" or "cpu" or "none") ? $"{Section}:Accelerator must be 'cuda', 'cpu' or 'none' (got '{Accelerator}')"
        : ServesModels && string.IsNullOrWhiteSpace(Models) ? $"{Section}:Models must list models or be '*'"
        : null;
}
