namespace GenerationPlatform.Contracts;

public static class JobStatusExtensions
{
    /// <summary>True once the job has ended, whichever way (nothing more will happen to it).</summary>
    public static bool IsFinished(this JobStatus status) =>
        status is JobStatus.Completed or JobStatus.Cancelled or JobStatus.DeadlineExceeded or JobStatus.Failed or JobStatus.Rejected;
}
