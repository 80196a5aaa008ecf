namespace GenerationPlatform.Storage;

/// <summary>Where an indexed job stands, as its index row last recorded it.</summary>
public enum JobIndexState
{
    Running = 1,
    Completed = 2,
    Cancelled = 3,
    DeadlineExceeded = 4,
    Failed = 5,
}
