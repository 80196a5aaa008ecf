using System.Collections.Immutable;
using GenerationPlatform.Contracts;

namespace GenerationPlatform.Grains;

/// <summary>
/// What a directory knows of one denoiser: its last report (asked for at <see cref="AskedAt"/>, landed at
/// <see cref="ReportedAt"/>) and the rows routed to it since that report was asked for, each with when.
/// </summary>
internal sealed record DenoiserLoadEntry(DenoiserLoad Report, DateTime AskedAt, DateTime ReportedAt, ImmutableList<(DateTime At, long Rows)> Charges)
{
    /// <summary>Seconds until new work would start: the queued rows and the charges since, at its rate (or <paramref name="fallbackRate"/> before it has one).</summary>
    public double ExpectedWait(double fallbackRate)
    {
        double queued = Report.QueuedSteps + Charges.Sum(c => c.Rows);
        double rate = Report.RowsPerSecond > 0 ? Report.RowsPerSecond : fallbackRate;
        return queued / rate;
    }
}
