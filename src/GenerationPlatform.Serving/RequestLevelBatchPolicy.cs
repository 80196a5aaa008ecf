namespace GenerationPlatform.Serving;

/// <summary>
/// Request-level batching, the baseline step-level batching is measured against: a request's trajectories start only
/// when a batch can take them all, and running requests finish together before new ones start.
/// </summary>
internal sealed class RequestLevelBatchPolicy : IBatchPolicy
{
    public BatchPlan Plan(IReadOnlyList<QueuedRequest> queue, int cap)
    {
        var running = queue.Where(r => r.Started).ToList();
        if (running.Count == 0)
        {
            int room = cap;
            foreach (var request in queue)
            {
                if (request.Trajectories.Length > room) break;
                request.Started = true;
                room -= request.Trajectories.Length;
                running.Add(request);
            }
        }
        return new BatchPlan(running.SelectMany(r => r.Trajectories.Where(t => !t.IsDone)).ToList());
    }

    public bool Admits(int trajectories, int cap) => trajectories <= cap;
}
