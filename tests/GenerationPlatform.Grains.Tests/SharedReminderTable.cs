namespace GenerationPlatform.Grains.Tests;

/// <summary>
/// Test double for the cluster's Azure Table reminder table: rows that live outside any silo, shared by
/// every in-process silo, so a job's reminder outlives the silo that registered it (the in-memory
/// reminder table is a grain on one silo and can die with it). ETags as the real table has them.
/// </summary>
public sealed class SharedReminderTable : IReminderTable
{
    private static readonly Dictionary<(GrainId Grain, string Name), ReminderEntry> Rows = [];

    /// <summary>The reminders a grain holds now.</summary>
    public static string[] NamesOf(GrainId grain)
    {
        lock (Rows) return Rows.Keys.Where(k => k.Grain == grain).Select(k => k.Name).ToArray();
    }

    public Task Init() => Task.CompletedTask;

    public Task<ReminderTableData> ReadRows(GrainId grainId) => Select(e => e.GrainId == grainId);

    /// <summary>Rows whose grain hash is in the ring range (begin, end], wrapping around; begin == end is the whole ring.</summary>
    public Task<ReminderTableData> ReadRows(uint begin, uint end) => Select(e =>
    {
        uint hash = e.GrainId.GetUniformHashCode();
        return begin < end ? hash > begin && hash <= end : hash > begin || hash <= end;
    });

    public Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName)
    {
        lock (Rows) return Task.FromResult(Rows.TryGetValue((grainId, reminderName), out var row) ? Copy(row) : null);
    }

    public Task<string?> UpsertRow(ReminderEntry entry)
    {
        var row = Copy(entry);
        row.ETag = Guid.NewGuid().ToString("N");
        lock (Rows) Rows[(entry.GrainId, entry.ReminderName)] = row;
        return Task.FromResult<string?>(row.ETag);
    }

    public Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag)
    {
        lock (Rows)
            return Task.FromResult(Rows.TryGetValue((grainId, reminderName), out var row) && row.ETag == eTag && Rows.Remove((grainId, reminderName)));
    }

    public Task TestOnlyClearTable()
    {
        lock (Rows) Rows.Clear();
        return Task.CompletedTask;
    }

    private static Task<ReminderTableData> Select(Func<ReminderEntry, bool> where)
    {
        lock (Rows) return Task.FromResult(new ReminderTableData(Rows.Values.Where(where).Select(Copy).ToList()));
    }

    private static ReminderEntry Copy(ReminderEntry e) =>
        new() { GrainId = e.GrainId, ReminderName = e.ReminderName, StartAt = e.StartAt, Period = e.Period, ETag = e.ETag };
}
