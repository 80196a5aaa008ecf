namespace GenerationPlatform.Storage;

/// <summary>How a page is cut from the rows a listing read, the same for every <see cref="IJobIndex"/>.</summary>
internal static class JobIndexPaging
{
    /// <summary>How many rows to read for a page: one more than the page tells whether there is a next one; a state filter reads up to the scan limit.</summary>
    public static int RowsToRead(JobIndexState? state, int pageSize, int scanLimit) => state is null ? pageSize + 1 : Math.Max(scanLimit, pageSize + 1);

    /// <summary>
    /// The page out of <paramref name="rows"/> (in listing order, the first <paramref name="read"/> after the position asked
    /// for): the next position is after the page's last job when rows follow it, or after the last row read when the read
    /// stopped at its limit before the page filled.
    /// </summary>
    public static JobIndexPage Cut(IReadOnlyList<JobIndexEntry> rows, JobIndexState? state, int pageSize, int read)
    {
        var jobs = new List<JobIndexEntry>(Math.Min(pageSize, rows.Count));
        for (int i = 0; i < rows.Count; i++)
        {
            if (state is { } wanted && rows[i].State != wanted) continue;
            jobs.Add(rows[i]);
            if (jobs.Count == pageSize) return new JobIndexPage(jobs, i < rows.Count - 1 || rows.Count >= read ? rows[i].Position : null);
        }
        return new JobIndexPage(jobs, rows.Count >= read ? rows[^1].Position : null);
    }
}
