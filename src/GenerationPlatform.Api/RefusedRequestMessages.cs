namespace GenerationPlatform.Api;

/// <summary>
/// Counts request messages refused before authentication (undecodable, or over the limit once decompressed).
/// They are not logged one by one: a flood of them must not flood the log; <see cref="RefusedRequestReporter"/>
/// logs the counts at most once a period. Static because the marshallers are bound once per process, without DI.
/// </summary>
internal static class RefusedRequestMessages
{
    private static long undecodable, oversized;

    public static void CountUndecodable() => Interlocked.Increment(ref undecodable);

    public static void CountOversized() => Interlocked.Increment(ref oversized);

    /// <summary>The counts since the last call.</summary>
    public static (long Undecodable, long Oversized) Take() => (Interlocked.Exchange(ref undecodable, 0), Interlocked.Exchange(ref oversized, 0));
}
