namespace GenerationPlatform.Contracts;

[GenerateSerializer]
public enum JobEventKind
{
    Accepted = 0,
    Progress = 1,
    Completed = 2,
    Cancelled = 3,
    DeadlineExceeded = 4,
    Failed = 5,
}
