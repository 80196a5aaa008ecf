namespace GenerationPlatform.Contracts;

[GenerateSerializer]
public enum JobStatus
{
    /// <summary>No job under this id.</summary>
    None = 0,
    Running = 1,
    Completed = 2,
    Cancelled = 3,
    DeadlineExceeded = 4,
    Failed = 5,
    Rejected = 6,
}
