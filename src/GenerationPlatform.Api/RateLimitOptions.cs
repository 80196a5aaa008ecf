namespace GenerationPlatform.Api;

/// <summary>
/// Token buckets at the edge (section GenerationPlatform:Api:RateLimits), on the gRPC and HTTP/JSON ports alike: per
/// tenant once its key is known, per client address for the keys that fail. Behind an ingress every tenant arrives
/// from one address, so an authenticated tenant is limited by its own buckets only, never by another tenant's traffic.
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "GenerationPlatform:Api:RateLimits";

    /// <summary>Off: no call is limited (quotas still apply). On by default.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Calls of any kind a tenant may make per second, on average.</summary>
    public double CallsPerSecond { get; set; } = 50;

    /// <summary>Calls a tenant may make at once after a quiet spell (the bucket's size).</summary>
    public int CallBurst { get; set; } = 100;

    /// <summary>Jobs (Submit, Generate) a tenant may ask for per minute, on average, admitted or not.</summary>
    public double SubmitsPerMinute { get; set; } = 120;

    /// <summary>Jobs a tenant may ask for at once.</summary>
    public int SubmitBurst { get; set; } = 30;

    /// <summary>Failed authentications (no key, a malformed or an unknown one) a client address may make per minute.</summary>
    public double FailuresPerMinute { get; set; } = 30;

    /// <summary>Failed authentications a client address may make at once; past it, its failures are answered RESOURCE_EXHAUSTED, not UNAUTHENTICATED.</summary>
    public int FailureBurst { get; set; } = 20;

    /// <summary>
    /// How long a refusal by a bucket is held before it is answered, at most (never past when a retry could pass; 0: at
    /// once). A client that calls again as soon as it is refused, whatever the pushback says, then calls at most once per
    /// this a request it keeps open, instead of as fast as its connection allows, and its refusals cost the edge a timer
    /// instead of its cores.
    /// </summary>
    public TimeSpan RefusalDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Refusals held at once per tenant (or per address, for failed authentications); past them a refusal is answered at once.</summary>
    public int MaxHeldRefusals { get; set; } = 64;

    /// <summary>What is wrong with these options, each problem naming its key; empty when nothing is.</summary>
    public IEnumerable<string> Problems()
    {
        if (!(CallsPerSecond > 0 && CallsPerSecond <= 1_000_000)) yield return $"{Section}:CallsPerSecond must be in (0, 1000000] (got {CallsPerSecond})";
        if (CallBurst is < 1 or > 1_000_000) yield return $"{Section}:CallBurst must be 1-1000000 (got {CallBurst})";
        if (!(SubmitsPerMinute > 0 && SubmitsPerMinute <= 1_000_000)) yield return $"{Section}:SubmitsPerMinute must be in (0, 1000000] (got {SubmitsPerMinute})";
        if (SubmitBurst is < 1 or > 1_000_000) yield return $"{Section}:SubmitBurst must be 1-1000000 (got {SubmitBurst})";
        if (!(FailuresPerMinute > 0 && FailuresPerMinute <= 1_000_000)) yield return $"{Section}:FailuresPerMinute must be in (0, 1000000] (got {FailuresPerMinute})";
        if (FailureBurst is < 1 or > 1_000_000) yield return $"{Section}:FailureBurst must be 1-1000000 (got {FailureBurst})";
        if (RefusalDelay < TimeSpan.Zero || RefusalDelay > TimeSpan.FromSeconds(10)) yield return $"{Section}:RefusalDelay must be 0-10 seconds (got {RefusalDelay})";
        if (MaxHeldRefusals is < 0 or > 100_000) yield return $"{Section}:MaxHeldRefusals must be 0-100000 (got {MaxHeldRefusals})";
    }
}
