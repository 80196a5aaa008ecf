using Azure;
using Azure.Data.Tables;

namespace GenerationPlatform.Storage;

/// <summary>
/// The job index in Azure Table storage (or Azurite), two tables created when missing. <c>genplatjobs</c>: partition the
/// tenant, row key the job's position (<see cref="JobIndexKeys.Position"/>: newest first), so a page is one range query
/// of one partition however many jobs the tenant has run. <c>genplatjobsended</c>: one partition, row key the end time
/// and the job id, so the jobs retention removes are one range query, oldest first. Rows are small (no result, no event).
/// </summary>
public sealed class TableJobIndex(TableServiceClient tables) : IJobIndex
{
    public const string JobsTable = "genplatjobs", EndedTable = "genplatjobsended";
    private const string EndedPartition = "ended";

    private readonly TableClient jobs = tables.GetTableClient(JobsTable), ended = tables.GetTableClient(EndedTable);

    /// <summary>
    /// Client options for the index's <see cref="TableServiceClient"/>: a few short tries, so that a job's end or a listing
    /// waits seconds, not the SDK's minutes, on storage that is down (the job's reminder retries its row; a listing is UNAVAILABLE).
    /// </summary>
    public static TableClientOptions ClientOptions()
    {
        var options = new TableClientOptions();
        options.Retry.MaxRetries = 2;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(5);
        return options;
    }
    private volatile bool tablesReady;

    public async Task RecordAsync(JobIndexEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await EnsureTablesAsync(cancellationToken);
        await jobs.UpsertEntityAsync(ToEntity(entry, entry.TenantId, entry.Position), TableUpdateMode.Replace, cancellationToken);
        if (entry.FinishedAt is { } finished)
            await ended.UpsertEntityAsync(ToEntity(entry, EndedPartition, JobIndexKeys.Ended(finished, entry.JobId)), TableUpdateMode.Replace, cancellationToken);
    }

    public async Task<JobIndexPage> ListAsync(string tenantId, string? after, JobIndexState? state, int pageSize, int scanLimit,
        CancellationToken cancellationToken = default)
    {
        int read = JobIndexPaging.RowsToRead(state, pageSize, scanLimit);
        var filter = after is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {tenantId}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {tenantId} and RowKey gt {after}");
        var rows = await ReadAsync(jobs, filter, read, cancellationToken);
        return JobIndexPaging.Cut(rows, state, pageSize, read);
    }

    public async Task<IReadOnlyList<JobIndexEntry>> EndedBeforeAsync(DateTimeOffset cutoff, int max, CancellationToken cancellationToken = default)
    {
        var before = JobIndexKeys.EndedBefore(cutoff);
        return await ReadAsync(ended, TableClient.CreateQueryFilter($"PartitionKey eq {EndedPartition} and RowKey lt {before}"), max, cancellationToken);
    }

    public async Task DeleteAsync(JobIndexEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await EnsureTablesAsync(cancellationToken);
        // The ended row first: a job whose listing row is gone is never found by retention again.
        if (entry.FinishedAt is { } finished) await ended.DeleteEntityAsync(EndedPartition, JobIndexKeys.Ended(finished, entry.JobId), ETag.All, cancellationToken);
        await jobs.DeleteEntityAsync(entry.TenantId, entry.Position, ETag.All, cancellationToken);
    }

    /// <summary>The first <paramref name="max"/> rows the filter selects, in row key order (the service's pages followed until then).</summary>
    private async Task<List<JobIndexEntry>> ReadAsync(TableClient table, string filter, int max, CancellationToken cancellationToken)
    {
        await EnsureTablesAsync(cancellationToken);
        var rows = new List<JobIndexEntry>(Math.Min(max, 1000));
        await foreach (var entity in table.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(max, 1000), cancellationToken: cancellationToken))
        {
            rows.Add(FromEntity(entity));
            if (rows.Count == max) break;
        }
        return rows;
    }

    private async Task EnsureTablesAsync(CancellationToken cancellationToken)
    {
        if (tablesReady) return;
        await jobs.CreateIfNotExistsAsync(cancellationToken);
        await ended.CreateIfNotExistsAsync(cancellationToken);
        tablesReady = true;
    }

    private static TableEntity ToEntity(JobIndexEntry e, string partition, string row) => new(partition, row)
    {
        ["TenantId"] = e.TenantId,
        ["JobId"] = e.JobId,
        // Ticks, not the service's DateTime (milliseconds in some emulators): the positions are computed from them.
        ["AcceptedTicks"] = e.AcceptedAt.UtcTicks,
        ["State"] = e.State.ToString(),
        ["Model"] = e.Model,
        ["Algorithm"] = e.Algorithm,
        ["BudgetNfe"] = e.BudgetNfe,
        ["SpentNfe"] = e.SpentNfe,
        ["FinishedTicks"] = e.FinishedAt?.UtcTicks,
    };

    private static JobIndexEntry FromEntity(TableEntity t) => new(
        t.GetString("TenantId"), t.GetString("JobId"), Time(t.GetInt64("AcceptedTicks")) ?? DateTimeOffset.MinValue,
        Enum.TryParse<JobIndexState>(t.GetString("State"), out var state) ? state : JobIndexState.Running,
        t.GetString("Model") ?? "", t.GetString("Algorithm") ?? "", t.GetInt64("BudgetNfe") ?? 0, t.GetInt64("SpentNfe") ?? 0, Time(t.GetInt64("FinishedTicks")));

    private static DateTimeOffset? Time(long? ticks) => ticks is { } t ? new DateTimeOffset(t, TimeSpan.Zero) : null;
}
