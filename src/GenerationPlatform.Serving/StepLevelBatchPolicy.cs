namespace GenerationPlatform.Serving;

/// <summary>
/// Step-level continuous batching: every call takes the pending step of the active trajectories of all requests, shared
/// between owners by weight (<see cref="FairShareScheduler"/>); inside an owner's share its oldest work goes first, then
/// the work closest to finishing. Trajectories join and leave between steps.
/// </summary>
internal sealed class StepLevelBatchPolicy(FairShareScheduler scheduler) : IBatchPolicy
{
    public BatchPlan Plan(IReadOnlyList<QueuedRequest> queue, int cap)
    {
        var rows = scheduler.Allocate(queue.Select(r => new FairShareScheduler.Demand(r.Owner, r.Priority, r.RemainingSteps, r.Pending)).ToList(), cap);
        var batch = new List<Core.Sampling.Trajectory>(cap);
        var taken = new HashSet<Core.Sampling.Trajectory>();
        for (int i = 0; i < queue.Count; i++)
            for (int r = 0; r < rows[i] && queue[i].NextPending(taken) is { } next; r++)
            {
                batch.Add(next);
                taken.Add(next);
            }
        return new BatchPlan(batch);
    }
}
