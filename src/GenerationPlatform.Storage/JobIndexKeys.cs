using System.Globalization;

namespace GenerationPlatform.Storage;

/// <summary>
/// The keys of the job index. A job's position in its tenant's listing is its inverted acceptance time (19 digits) and its
/// id, so that ascending order is newest first; an ended job's position in the retention order is its end time and its id.
/// </summary>
public static class JobIndexKeys
{
    private const string Digits = "D19";

    /// <summary>Newest first: <c>{MaxTicks - accepted ticks:D19}-{jobId}</c>.</summary>
    public static string Position(DateTimeOffset acceptedAt, string jobId) =>
        (DateTimeOffset.MaxValue.UtcTicks - acceptedAt.UtcTicks).ToString(Digits, CultureInfo.InvariantCulture) + "-" + jobId;

    /// <summary>Oldest end first: <c>{finished ticks:D19}-{jobId}</c>.</summary>
    public static string Ended(DateTimeOffset finishedAt, string jobId) =>
        finishedAt.UtcTicks.ToString(Digits, CultureInfo.InvariantCulture) + "-" + jobId;

    /// <summary>Every ended position of a job that ended before <paramref name="cutoff"/> sorts before this.</summary>
    public static string EndedBefore(DateTimeOffset cutoff) => cutoff.UtcTicks.ToString(Digits, CultureInfo.InvariantCulture);
}
