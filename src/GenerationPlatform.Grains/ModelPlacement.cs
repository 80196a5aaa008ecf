using Orleans.Placement;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Runtime.Placement;

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

/// <summary>Places a model-keyed grain only on silos that declare the model and an accelerator.</summary>
public sealed class ModelPlacementFilterStrategy() : PlacementFilterStrategy(order: 0);

[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class ModelPlacementFilterAttribute() : PlacementFilterAttribute(new ModelPlacementFilterStrategy());

internal sealed class ModelPlacementFilterDirector(ISiloMetadataCache metadata) : IPlacementFilterDirector
{
    public IEnumerable<SiloAddress> Filter(PlacementFilterStrategy filterStrategy, PlacementTarget target, IEnumerable<SiloAddress> silos)
    {
        var model = SiloBoundKey.Parse(target.GrainIdentity.Key.ToString()!).Name;
        return silos.Where(s => SiloCapabilities.Serves(metadata.GetSiloMetadata(s).Metadata, model));
    }
}

/// <summary>Places search jobs only on silos that host jobs (all of them when none says so, so a cluster never refuses its jobs).</summary>
public sealed class JobPlacementFilterStrategy() : PlacementFilterStrategy(order: 0);

[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class JobPlacementFilterAttribute() : PlacementFilterAttribute(new JobPlacementFilterStrategy());

internal sealed class JobPlacementFilterDirector(ISiloMetadataCache metadata) : IPlacementFilterDirector
{
    public IEnumerable<SiloAddress> Filter(PlacementFilterStrategy filterStrategy, PlacementTarget target, IEnumerable<SiloAddress> silos)
    {
        var all = silos.ToList();
        var hosting = all.Where(s => SiloCapabilities.HostsJobsIn(metadata.GetSiloMetadata(s).Metadata)).ToList();
        return hosting.Count > 0 ? hosting : all;
    }
}
