using GenerationPlatform.Contracts;

namespace GenerationPlatform.Grains;

/// <summary>How one run of a job's search ended: its status and event, why, its result when it completed, and the NFE it spent.</summary>
/// <param name="VerifierFlops">FLOPs the job's verifiers spent, this run and the runs before it.</param>
internal sealed record JobRunOutcome(JobStatus Status, JobEventKind Kind, string? Message, Exception? Failure, JobResult? Result, long SearchNfe, long FinalNfe,
    long ModelEvaluations = 0, double VerifierFlops = 0)
{
    /// <summary>The run stopped because its activation is going away: the job stays running and resumes elsewhere.</summary>
    public static JobRunOutcome Suspended { get; } = new(JobStatus.Running, JobEventKind.Progress, null, null, null, 0, 0);

    /// <summary>A job failed without a run of this activation (it cannot be resumed): nothing spent here.</summary>
    public static JobRunOutcome Failed(string message) => new(JobStatus.Failed, JobEventKind.Failed, message, null, null, 0, 0);

    public bool IsSuspended => ReferenceEquals(this, Suspended);

    public long SpentNfe => SearchNfe + FinalNfe;
}
