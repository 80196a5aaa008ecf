namespace GenerationPlatform.Bench.Cluster;

/// <summary>What one silo did during one timed wave (differences of its counters and of its CPU time over the wave's wall), and its batch cap.</summary>
internal sealed record SiloDelta(double Nfe, double Calls, double BatchSum, double FillSum, double FillCount, double JobsEnded, double VerifierImages, double CpuSeconds,
    double Cap, double Messages = 0, double MessageBytes = 0)
{
    public static SiloDelta Of(Dictionary<string, double> before, Dictionary<string, double> after, double cpuSeconds)
    {
        double D(string name) => after.Value(name) - before.Value(name);
        // Messages to and from other silos, and their bytes: what the silo moves over the network for the cluster.
        static double Both(Dictionary<string, double> m, string part) =>
            m.HistogramPart(ClusterMetrics.SentMessageSizes, part) + m.HistogramPart(ClusterMetrics.ReceivedMessageSizes, part);
        return new SiloDelta(D(ClusterMetrics.Nfe), D(ClusterMetrics.BatchSizeCount), D(ClusterMetrics.BatchSizeSum), D(ClusterMetrics.BatchFillSum),
            D(ClusterMetrics.BatchFillCount), D(ClusterMetrics.JobsEnded), D(ClusterMetrics.VerifierImages), cpuSeconds, after.Value(ClusterMetrics.BatchCap),
            Both(after, "count") - Both(before, "count"), Both(after, "sum") - Both(before, "sum"));
    }
}
