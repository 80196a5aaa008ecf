using GenerationPlatform.Api.V1;

namespace GenerationPlatform.Bench.LoadTest;

/// <summary>One job as the client saw it. Lost: accepted, but it never ended, or it completed without a stored result that reads back.</summary>
internal sealed record JobOutcome(string Tenant, string Role, string? JobId, int Rejections, JobState State, bool Stored, TimeSpan Latency, string? Error)
{
    public bool Lost => JobId is not null && (State is JobState.Running or JobState.Unspecified || State == JobState.Completed && !Stored);
}
