using GenerationPlatform.Serving;

namespace GenerationPlatform.Search.Tests;

using Demand = FairShareScheduler.Demand;

/// <summary>The batching policy on its own, with made-up demands: deterministic, no model, no threads.</summary>
public sealed class FairShareSchedulerTests
{
    [Fact]
    public void InsideAShareTheOldestJobGoesFirstThenTheOneClosestToFinishing()
    {
        var scheduler = new FairShareScheduler();
        var demands = new Demand[]
        {
            new("alpha", Priority: 30, RemainingSteps: 10, Pending: 8),  // youngest
            new("alpha", Priority: 10, RemainingSteps: 90, Pending: 8),  // oldest
            new("alpha", Priority: 20, RemainingSteps: 50, Pending: 8),
            new("alpha", Priority: 20, RemainingSteps: 5, Pending: 8),   // as old as the one above, nearer its end
        };
        Assert.Equal([0, 8, 0, 4], scheduler.Allocate(demands, cap: 12));
        Assert.Equal([0, 8, 4, 8], scheduler.Allocate(demands, cap: 20));
    }

    [Fact]
    public void OwnersShareEveryBatchByWeight()
    {
        var scheduler = new FairShareScheduler(o => o == "heavy" ? 3 : 1);
        var demands = new Demand[] { new("heavy", 1, 100, 100), new("light", 2, 100, 100) };
        var rows = scheduler.Allocate(demands, cap: 64);
        Assert.Equal(48, rows[0]);
        Assert.Equal(16, rows[1]);
        // Over many batches the split stays 3:1.
        long heavy = 0, light = 0;
        for (int i = 0; i < 50; i++)
        {
            var r = scheduler.Allocate(demands, cap: 7);
            heavy += r[0];
            light += r[1];
        }
        Assert.Equal(3.0, heavy / (double)light, 1);
    }

    [Fact]
    public void AnOwnerTakesWhatOthersLeave()
    {
        var scheduler = new FairShareScheduler();
        var rows = scheduler.Allocate([new("a", 1, 10, 3), new("b", 2, 100, 100)], cap: 64);
        Assert.Equal([3, 61], rows);
    }

    [Fact]
    public void WithMoreOwnersThanRowsNoOwnerStarves()
    {
        // 100 owners, a batch of 8: stride scheduling serves each within ceil(100 / 8) batches, every time.
        var scheduler = new FairShareScheduler();
        var demands = Enumerable.Range(0, 100).Select(i => new Demand($"t{i:D3}", i, 1_000, 1)).ToArray();
        var lastServed = new int[demands.Length];
        Array.Fill(lastServed, -1);
        for (int batch = 0; batch < 200; batch++)
        {
            var rows = scheduler.Allocate(demands, cap: 8);
            Assert.Equal(8, rows.Sum());
            for (int i = 0; i < rows.Length; i++)
                if (rows[i] > 0)
                {
                    Assert.True(batch - lastServed[i] <= 13, $"owner {i} waited {batch - lastServed[i]} batches");
                    lastServed[i] = batch;
                }
        }
        Assert.All(lastServed, b => Assert.True(b >= 200 - 13));
    }

    [Fact]
    public void ANewcomerNeitherJumpsTheQueueForLongNorWaitsBehindAnOwnersHistory()
    {
        var scheduler = new FairShareScheduler();
        // "old" has been served alone for a long time: its pass is far ahead.
        for (int i = 0; i < 100; i++) scheduler.Allocate([new("old", 1, 1_000, 64)], cap: 64);
        // A newcomer starts level with it, so the two share the next batch evenly rather than the newcomer taking 6 400 rows.
        var rows = scheduler.Allocate([new("old", 1, 1_000, 64), new("new", 2, 1_000, 64)], cap: 64);
        Assert.Equal([32, 32], rows);
    }

    [Fact]
    public void WithinOneOwnerJobsFinishOneAfterAnotherNotAllAtTheEnd()
    {
        // Four jobs of one owner, each needing 10 calls of 16 rows; the batch holds 16 rows.
        var scheduler = new FairShareScheduler();
        var remaining = new[] { 160L, 160, 160, 160 };
        var finished = new int[4];
        for (int call = 1; remaining.Any(r => r > 0); call++)
        {
            var demands = remaining.Select((r, i) => new Demand("one", Priority: i, RemainingSteps: r, Pending: r > 0 ? 16 : 0)).ToArray();
            var rows = scheduler.Allocate(demands, cap: 16);
            for (int i = 0; i < 4; i++)
            {
                remaining[i] -= rows[i];
                if (remaining[i] == 0 && finished[i] == 0 && rows[i] > 0) finished[i] = call;
            }
        }
        Assert.Equal([10, 20, 30, 40], finished); // processor sharing would finish all four at about call 40
    }
}
