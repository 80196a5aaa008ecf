namespace GenerationPlatform.Bench.Cluster;

/// <summary>What one silo did during one timed wave (differences of its counters and of its CPU time over the wave's wall), and its batch cap.</summary>
internal sealed record SiloDelta(double Nfe, double Calls, double BatchSum, double FillSum, double FillCount, double JobsEnded, double VerifierImages, double CpuSeconds,
    double Cap)
{
    public static SiloDelta Of(Dictionary<string, double> before, Dictionary<string, double> after, double cpuSeconds)
    {
        double D(string name) => after.Value(name) - before.Value(name);
        return new SiloDelta(D(ClusterMetrics.Nfe), D(ClusterMetrics.BatchSizeCount), D(ClusterMetrics.BatchSizeSum), D(ClusterMetrics.BatchFillSum),
            D(ClusterMetrics.BatchFillCount), D(ClusterMetrics.JobsEnded), D(ClusterMetrics.VerifierImages), cpuSeconds, after.Value(ClusterMetrics.BatchCap));
    }
}
