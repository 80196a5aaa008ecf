namespace GenerationPlatform.Grains;

/// <summary>
/// What a silo declares about itself in its silo metadata (<c>UseSiloMetadata</c>): whether it has
/// an accelerator and which models it serves, so denoisers are placed only where they can run.
/// </summary>
public static class SiloCapabilities
{
    /// <summary>The accelerator kind ("cuda", or "cpu" where CPU silos may serve models); absent: serves no model.</summary>
    public const string Accelerator = "genplat.accelerator";

    /// <summary>Comma-separated model names, or "*" for any model its field provider knows.</summary>
    public const string Models = "genplat.models";

    /// <summary>"false" on a silo that hosts no search jobs (a dedicated denoiser silo); absent or anything else: it does.</summary>
    public const string HostsJobs = "genplat.jobs";

    /// <summary>True unless the silo's metadata says it hosts no jobs.</summary>
    public static bool HostsJobsIn(IReadOnlyDictionary<string, string> metadata) =>
        !(metadata.TryGetValue(HostsJobs, out var value) && string.Equals(value, "false", StringComparison.OrdinalIgnoreCase));

    public static Dictionary<string, string> Declare(string accelerator, params string[] models) => new()
    {
        [Accelerator] = accelerator,
        [Models] = string.Join(',', models),
    };

    /// <summary>True when silo metadata declares an accelerator and the model.</summary>
    public static bool Serves(IReadOnlyDictionary<string, string> metadata, string model) =>
        metadata.TryGetValue(Accelerator, out var accelerator) && !string.IsNullOrWhiteSpace(accelerator)
        && metadata.TryGetValue(Models, out var models)
        && models.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Any(m => m == "*" || m == model);
}
