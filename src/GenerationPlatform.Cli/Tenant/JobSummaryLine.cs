using System.Globalization;
using GenerationPlatform.Api.V1;
using GenerationPlatform.Tools;

namespace GenerationPlatform.Cli.Tenant;

/// <summary>A listed job as one line of text (what genplat jobs prints), and the states --state names.</summary>
internal static class JobSummaryLine
{
    /// <summary>The states --state accepts, as the CLI spells them.</summary>
    public static readonly IReadOnlyDictionary<string, JobState> States = new Dictionary<string, JobState>(StringComparer.OrdinalIgnoreCase)
    {
        ["running"] = JobState.Running,
        ["completed"] = JobState.Completed,
        ["cancelled"] = JobState.Cancelled,
        ["deadline-exceeded"] = JobState.DeadlineExceeded,
        ["failed"] = JobState.Failed,
    };

    public static string Of(JobSummary j)
    {
        var ended = j.FinishedAt is { } finished ? $", ended {Time(finished)}" : "";
        return $"{j.JobId} {Name(j.State)} {j.Model} {j.Algorithm}: {j.SpentNfe}/{j.BudgetNfe} NFE, accepted {Time(j.AcceptedAt)}{ended}";
    }

    /// <summary>--state's value: null for every state.</summary>
    public static JobState State(string? text) =>
        text is null ? JobState.Unspecified
        : States.TryGetValue(text, out var state) ? state
        : throw new CliArgumentException($"--state: '{text}' is not a job state; use {string.Join(", ", States.Keys)}");

    private static string Name(JobState state) => States.FirstOrDefault(s => s.Value == state).Key ?? state.ToString();

    private static string Time(Google.Protobuf.WellKnownTypes.Timestamp t) => t.ToDateTimeOffset().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
