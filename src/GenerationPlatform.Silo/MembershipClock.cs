namespace GenerationPlatform.Silo;

/// <summary>
/// Orleans' membership clock (its watchdog, probes and health monitor) with timestamps counted from the clock's creation, as the
/// silo starts, instead of from the machine's boot. Orleans 10.4's watchdog starts its platform thread before it stamps the
/// participant check's start, so that thread's first look at the unset stamp (0) read a stall as long as the machine had been up,
/// a warning at every start and a point against the silo's health; counted from the silo's start, the unset stamp reads seconds.
/// Only differences of these timestamps are used, so nothing else changes.
/// </summary>
public sealed class MembershipClock : TimeProvider
{
    private readonly long origin = System.GetTimestamp();

    public override long GetTimestamp() => System.GetTimestamp() - origin;

    public override long TimestampFrequency => System.TimestampFrequency;
}
