using GenerationPlatform.Search;

namespace GenerationPlatform.Grains;

/// <summary>
/// Hands a search's progress from its threads to the job's activation, bounded: only the latest report waits (a slow
/// store skips rounds' reports, never holds them all), with the one checkpoint link the search took since the last hand-over
/// (the search takes no other until that one is written: <see cref="CheckpointCadence"/>).
/// </summary>
internal sealed class LatestProgress : IProgress<SearchProgress>
{
    private readonly Lock gate = new();
    private SearchProgress? latest;
    private SearchCheckpoint? link;
    private bool completed;
    private TaskCompletionSource arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Report(SearchProgress value)
    {
        lock (gate)
        {
            if (value.Checkpoint is { } taken)
            {
                if (link is not null) throw new InvalidOperationException($"a checkpoint of round {taken.Round} was taken before round {link.Round}'s was written");
                link = taken;
            }
            latest = value;
            arrived.TrySetResult();
        }
    }

    /// <summary>No more reports come.</summary>
    public void Complete()
    {
        lock (gate)
        {
            completed = true;
            arrived.TrySetResult();
        }
    }

    /// <summary>The latest report and the link waiting to be written, once one arrives; null once completed and taken.</summary>
    public async Task<(SearchProgress Latest, SearchCheckpoint? Link)?> TakeAsync()
    {
        while (true)
        {
            Task wait;
            lock (gate)
            {
                if (latest is { } report)
                {
                    var taken = (report, link);
                    (latest, link) = (null, null);
                    arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    return taken;
                }
                if (completed) return null;
                wait = arrived.Task;
            }
            await wait;
        }
    }
}
