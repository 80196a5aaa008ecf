namespace GenerationPlatform.Grains;

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

    /// <summary>
    /// The least time between a running job's checkpoints (0: every round): what a resumed job may redo, against what its
    /// checkpoints cost the checkpoint store. A checkpoint is also never taken while the last one is being written.
    /// </summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>What is wrong with these options, each problem naming its key; empty when nothing is.</summary>
    public IEnumerable<string> Problems()
    {
        if (ResumeCheckPeriod <= TimeSpan.Zero) yield return $"{Section}:ResumeCheckPeriod must be positive (got {ResumeCheckPeriod})";
        if (MaxResumptions < 0) yield return $"{Section}:MaxResumptions must not be negative (got {MaxResumptions})";
        if (MaxEvents < 2) yield return $"{Section}:MaxEvents must be at least 2 (got {MaxEvents})";
        if (StoreRetryPeriod <= TimeSpan.Zero) yield return $"{Section}:StoreRetryPeriod must be positive (got {StoreRetryPeriod})";
        if (CheckpointInterval < TimeSpan.Zero || CheckpointInterval > TimeSpan.FromHours(1))
            yield return $"{Section}:CheckpointInterval must be between 0 and 1 hour (got {CheckpointInterval})";
    }
}
