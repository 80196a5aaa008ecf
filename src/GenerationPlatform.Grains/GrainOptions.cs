using GenerationPlatform.Contracts;

namespace GenerationPlatform.Grains;

/// <summary>Names shared by the grains and the hosts that configure them.</summary>
public static class GrainStorage
{
    /// <summary>The grain storage provider holding job and tenant state (in memory embedded, Azure Table in a cluster).</summary>
    public const string Name = "genplat";

    /// <summary>
    /// The grain storage provider holding running jobs' checkpoints (in memory embedded, Azure Blob in a cluster):
    /// a checkpoint holds every kept trajectory's state, megabytes for the largest admissible jobs, past an Azure Table entity.
    /// </summary>
    public const string Checkpoints = "genplat-checkpoints";
}

/// <summary>A running job's last checkpoint (<c>SearchCheckpoint.Payload</c>), kept apart from the job's small state.</summary>
[GenerateSerializer]
public sealed record JobCheckpointState
{
    [Id(0)] public byte[]? Payload { get; set; }
    [Id(1)] public int Round { get; set; }
}

/// <summary>Step-level batching of the denoiser grains (section GenerationPlatform:Denoiser).</summary>
public sealed class DenoiserOptions
{
    public const string Section = "GenerationPlatform:Denoiser";

    /// <summary>Most trajectory steps in one model call; 0: measured at activation (the knee of rows/s against batch size on this silo's device).</summary>
    public int MaxBatch { get; set; }

    /// <summary>The largest batch a calibration measures.</summary>
    public int CalibrationMaxBatch { get; set; } = 256;

    /// <summary>Measuring time per batch size in a calibration.</summary>
    public TimeSpan CalibrationTimePerSize { get; set; } = TimeSpan.FromMilliseconds(400);

    /// <summary>How long the first model call after idle may wait for more work before running a batch that is not full (later calls never wait: newcomers join at the next step).</summary>
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromMilliseconds(2);

    /// <summary>Request-level batching instead (the baseline the benchmark compares with).</summary>
    public bool WholeRequests { get; set; }
}

/// <summary>Search jobs (section GenerationPlatform:Jobs).</summary>
public sealed class SearchJobOptions
{
    public const string Section = "GenerationPlatform:Jobs";

    /// <summary>
    /// Period of the reminder a running job holds: if the job's silo dies, the reminder activates it on
    /// another silo, which resumes it from its last round. At least the reminder service's minimum (1 minute by default).
    /// </summary>
    public TimeSpan ResumeCheckPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How many times a job may be resumed after its silo stopped; the next time it is failed instead, so a
    /// job that crashes its silo (a poison job) cannot crash-loop through the cluster.
    /// </summary>
    public int MaxResumptions { get; set; } = 3;

    /// <summary>Progress events a job keeps (the first and the terminal ones always stay): its state stays bounded however many rounds it runs.</summary>
    public int MaxEvents { get; set; } = 64;

    /// <summary>How often a finished job retries storing its result while the result store is down.</summary>
    public TimeSpan StoreRetryPeriod { get; set; } = TimeSpan.FromSeconds(15);
}

/// <summary>Micro-batching of the verifier grains (section GenerationPlatform:Verifier).</summary>
public sealed class VerifierBatchingOptions
{
    public const string Section = "GenerationPlatform:Verifier";

    /// <summary>A flush starts as soon as this many images are queued.</summary>
    public int MaxBatch { get; set; } = 256;

    /// <summary>The longest the first queued image waits for a flush.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Images one owner (tenant) may have queued at one verifier; a submission beyond it is refused.</summary>
    public int MaxQueuedImagesPerOwner { get; set; } = 65_536;
}

/// <summary>Tenant quotas (section GenerationPlatform:Tenants): a default and per-tenant overrides.</summary>
public sealed class TenantQuotaOptions
{
    public const string Section = "GenerationPlatform:Tenants";

    public TenantQuota Default { get; set; } = new();

    public Dictionary<string, TenantQuota> Quotas { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// How old a reservation must be before a tenant at its concurrency limit asks the job whether it
    /// still runs (a reservation that no running job holds is then released).
    /// </summary>
    public TimeSpan ReconcileAfter { get; set; } = TimeSpan.FromMinutes(1);

    public TenantQuota For(string tenantId) => Quotas.TryGetValue(tenantId, out var quota) ? quota : Default;
}
