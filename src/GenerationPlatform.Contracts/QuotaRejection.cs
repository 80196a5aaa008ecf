namespace GenerationPlatform.Contracts;

/// <summary>Which quota turned a request away.</summary>
[GenerateSerializer]
public enum QuotaRejection
{
    None = 0,
    ConcurrentJobs = 1,
    NfePerMinute = 2,
    NfePerDay = 3,
    BudgetPerRequest = 4,
    /// <summary>Not a quota: the request itself is unusable (unknown algorithm, bad field, job id taken).</summary>
    InvalidRequest = 5,
    /// <summary>Not a quota: no model of that name is served.</summary>
    UnknownModel = 6,
    /// <summary>Not a quota: no verifier of that name is served.</summary>
    UnknownVerifier = 7,
    /// <summary>Not a quota: the cluster cannot take the job right now (no denoiser silo up, a call timed out); a retry may succeed.</summary>
    Unavailable = 8,
}
