namespace GenerationPlatform.Search;

/// <summary>
/// When a search takes checkpoints, for a persister that writes them one at a time: the first round's end, then no sooner
/// than <see cref="Interval"/> after the last one taken, and never while the last one is still being written
/// (<see cref="Persisted"/> or <see cref="Lost"/> end that). A lost link breaks its chain: the next checkpoint is a base.
/// A chain is based again once its later links hold as many bytes as its base (so the bytes a run writes grow with what it
/// adds, not quadratically) or it has <see cref="MaxLinks"/> links (so a resumption reads a bounded number of them).
/// </summary>
public sealed class CheckpointCadence(TimeSpan interval, TimeProvider? time = null, int maxLinks = CheckpointCadence.DefaultMaxLinks)
{
    /// <summary>The most links of one chain, its base included.</summary>
    public const int DefaultMaxLinks = SearchLimits.MaxRounds;

    private readonly TimeProvider time = time ?? TimeProvider.System;
    private long? lastTaken;
    private int writing, lost;

    public TimeSpan Interval { get; } = interval >= TimeSpan.Zero ? interval : throw new ArgumentOutOfRangeException(nameof(interval), interval, "must not be negative");

    public int MaxLinks { get; } = maxLinks >= 1 ? maxLinks : throw new ArgumentOutOfRangeException(nameof(maxLinks), maxLinks, "must be at least 1");

    /// <summary>Every round, each link assumed persisted as soon as it is reported (a synchronous consumer).</summary>
    public static CheckpointCadence EveryRound => Synchronously();

    /// <summary>Every round, for a consumer that persists each link as it is reported, with chains of at most <paramref name="maxLinks"/> links.</summary>
    public static CheckpointCadence Synchronously(int maxLinks = DefaultMaxLinks) => new(TimeSpan.Zero, null, maxLinks) { Synchronous = true };

    private bool Synchronous { get; init; }

    /// <summary>Whether a round that ends now takes a checkpoint.</summary>
    internal bool Due => Volatile.Read(ref writing) == 0 && (lastTaken is not { } last || time.GetElapsedTime(last) >= Interval);

    /// <summary>A link was taken and handed to the persister.</summary>
    internal void Taken()
    {
        lastTaken = time.GetTimestamp();
        if (!Synchronous) Volatile.Write(ref writing, 1);
    }

    /// <summary>True once, after a link was lost: the next one must be a base.</summary>
    internal bool TakeLost() => Interlocked.Exchange(ref lost, 0) == 1;

    /// <summary>The persister wrote the last link taken.</summary>
    public void Persisted() => Volatile.Write(ref writing, 0);

    /// <summary>The persister could not write the last link taken: the chain continues from a new base.</summary>
    public void Lost()
    {
        Volatile.Write(ref lost, 1);
        Volatile.Write(ref writing, 0);
    }
}
