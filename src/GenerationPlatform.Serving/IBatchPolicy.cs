namespace GenerationPlatform.Serving;

/// <summary>
/// Who gets the rows of the next model call: the batcher's queueing policy, apart from the loop that runs and settles
/// the plan (as vLLM keeps its request-queue policy apart from its scheduler loop).
/// </summary>
internal interface IBatchPolicy
{
    /// <summary>The next call's rows from the <paramref name="queue"/> (oldest call first), at most <paramref name="cap"/>.</summary>
    BatchPlan Plan(IReadOnlyList<QueuedRequest> queue, int cap);

    /// <summary>Whether a call of <paramref name="trajectories"/> can ever be served with this cap (else it is refused at once).</summary>
    bool Admits(int trajectories, int cap) => true;
}
