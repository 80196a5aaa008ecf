namespace GenerationPlatform.Core.Verifiers;

/// <summary>Counts calls, images and wall time for a verifier; thread-safe.</summary>
public sealed class VerifierCostMeter
{
    private long calls, images, ticks;

    public VerifierCost Snapshot => new(Interlocked.Read(ref calls), Interlocked.Read(ref images), TimeSpan.FromTicks(Interlocked.Read(ref ticks)));

    public T Measure<T>(int count, Func<T> work)
    {
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        try { return work(); }
        finally
        {
            Interlocked.Increment(ref calls);
            Interlocked.Add(ref images, count);
            Interlocked.Add(ref ticks, System.Diagnostics.Stopwatch.GetElapsedTime(start).Ticks);
        }
    }
}
