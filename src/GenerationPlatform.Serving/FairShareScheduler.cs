namespace GenerationPlatform.Serving;

/// <summary>
/// Who gets the rows of the next model call. Between owners (tenants): weighted fair shares by stride
/// scheduling, each owner's pass advancing by 1/weight per row it takes, kept from one call to the
/// next. Inside an owner's share: its oldest work first (the job's priority, its admission time),
/// then the work closest to finishing (fewest remaining steps): FCFS / shortest remaining processing,
/// so that under load an owner's jobs finish one after another instead of all together at the end.
/// </summary>
/// <remarks>
/// No starvation. Between owners: an owner with pending work whose pass is lowest takes the next row,
/// and each row raises the taker's pass by 1/weight, so an owner waits at most until every other
/// owner's pass exceeds its own: at most sum over others of (w_other / w_min) + 1 rows, a bound that
/// does not grow with time. An owner that goes idle re-enters at the lowest pass among active owners
/// (it cannot bank credit while idle, nor be punished for it). Inside a share: work is ordered by a
/// fixed key (priority, then remaining steps), and new work of the same owner comes later (its
/// priority is its admission time) or is younger, so a job waits only for the finitely many older
/// jobs of its owner, each of which needs finitely many rows.
/// </remarks>
public sealed class FairShareScheduler(Func<string, double>? ownerWeight = null)
{
    private readonly Func<string, double> weight = ownerWeight ?? (_ => 1.0);
    private readonly Dictionary<string, double> passes = new(StringComparer.Ordinal);

    /// <summary>Work waiting for rows: its owner, its priority (lower first), its remaining steps and how many rows it can use now.</summary>
    public readonly record struct Demand(string Owner, long Priority, long RemainingSteps, int Pending);

    /// <summary>The pass (virtual time) of an owner, for tests and telemetry; NaN when it holds none.</summary>
    public double PassOf(string owner) => passes.TryGetValue(owner, out var p) ? p : double.NaN;

    /// <summary>Rows for each demand (parallel to <paramref name="demands"/>), at most <paramref name="cap"/> in all.</summary>
    public int[] Allocate(IReadOnlyList<Demand> demands, int cap)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(cap, 1);
        var rows = new int[demands.Count];
        // Each owner's demands in its order: oldest first, then closest to finishing; ties keep arrival order.
        var queues = demands.Select((d, i) => (Demand: d, Index: i)).Where(x => x.Demand.Pending > 0)
            .GroupBy(x => x.Demand.Owner, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => new Queue<int>(g.OrderBy(x => x.Demand.Priority).ThenBy(x => x.Demand.RemainingSteps).ThenBy(x => x.Index).Select(x => x.Index)),
                StringComparer.Ordinal);
        // Owners gone idle leave; owners arriving (or back) start level with the least-served active owner.
        foreach (var gone in passes.Keys.Where(o => !queues.ContainsKey(o)).ToList()) passes.Remove(gone);
        double floor = passes.Count == 0 ? 0 : passes.Values.Min();
        foreach (var owner in queues.Keys) passes.TryAdd(owner, floor);

        int taken = 0;
        var open = queues.Keys.ToList();
        while (taken < cap && open.Count > 0)
        {
            // Lowest pass first; ties go to the owner whose head work is oldest, then by name (deterministic).
            var owner = open[0];
            for (int i = 1; i < open.Count; i++)
            {
                var other = open[i];
                int c = passes[other].CompareTo(passes[owner]);
                if (c < 0 || (c == 0 && Older(demands[queues[other].Peek()], demands[queues[owner].Peek()], other, owner))) owner = other;
            }
            var queue = queues[owner];
            int head = queue.Peek();
            rows[head]++;
            taken++;
            passes[owner] += 1 / Math.Max(1e-6, weight(owner));
            if (rows[head] == demands[head].Pending) queue.Dequeue();
            if (queue.Count == 0) open.Remove(owner);
        }
        return rows;
    }

    private static bool Older(Demand a, Demand b, string ownerA, string ownerB) =>
        a.Priority != b.Priority ? a.Priority < b.Priority : string.CompareOrdinal(ownerA, ownerB) < 0;
}
