namespace GenerationPlatform.Contracts;

/// <summary>What a request to delete a job found.</summary>
[GenerateSerializer]
public enum JobDeletion
{
    /// <summary>The job's results, index rows and state are gone.</summary>
    Deleted = 0,
    /// <summary>No job of the tenant's under this id (never admitted, or deleted already): nothing to do.</summary>
    Absent = 1,
    /// <summary>The job is running (a cancelled one until it has ended): nothing was deleted.</summary>
    Running = 2,
    /// <summary>Storage did not answer (the result store, the index or grain state): what is left stays for a retry.</summary>
    Unavailable = 3,
}
