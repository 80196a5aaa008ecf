using GenerationPlatform.Core.Sampling;
using GenerationPlatform.Serving;

namespace GenerationPlatform.Search.Tests;

/// <summary>The batcher's policies on their own: a plan from a queue, nothing run.</summary>
public sealed class BatchPolicyTests
{
    private static QueuedRequest Request(string owner, int trajectories, long priority = 0) =>
        new(Enumerable.Range(0, trajectories).Select(i => new Trajectory(new TrajectorySpec(new NoiseSeed(1, 0, (uint)i), 0, 1f, SamplerKind.Euler, 4), 4)).ToArray(),
            CancellationToken.None, owner, priority);

    [Fact]
    public void StepLevelSharesACallBetweenOwnersByWeightAndTakesEveryRequestsStepTogether()
    {
        var policy = new StepLevelBatchPolicy(new FairShareScheduler(o => o == "heavy" ? 3 : 1));
        var queue = new[] { Request("light", 8), Request("heavy", 8, priority: 1), Request("heavy", 8, priority: 2) };
        var plan = policy.Plan(queue, cap: 8);
        Assert.Equal(8, plan.Count);
        int heavy = plan.Rows.Count(t => queue[1].Trajectories.Contains(t) || queue[2].Trajectories.Contains(t));
        Assert.Equal(6, heavy); // 3:1 by weight
        Assert.Equal(6, plan.Rows.Count(queue[1].Trajectories.Contains)); // the heavy owner's older request first
        Assert.Equal(plan.Count, plan.Rows.Distinct().Count());
    }

    [Fact]
    public void RequestLevelStartsOnlyWhatFitsWholeAndFinishesItBeforeAnyNewcomer()
    {
        var policy = new RequestLevelBatchPolicy();
        var first = Request("a", 5);
        var second = Request("b", 5);
        var plan = policy.Plan([first, second], cap: 8);
        Assert.Equal(first.Trajectories, plan.Rows);
        Assert.True(first.Started);
        Assert.False(second.Started);
        // While the first runs, a newcomer that would fit waits for it to drain.
        var small = Request("c", 1);
        Assert.Equal(first.Trajectories, policy.Plan([first, second, small], cap: 8).Rows);
        Assert.False(policy.Admits(9, cap: 8));
        Assert.True(((IBatchPolicy)new StepLevelBatchPolicy(new FairShareScheduler())).Admits(9, cap: 8));
    }
}
