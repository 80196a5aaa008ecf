namespace GenerationPlatform.Bench.Cluster;

/// <summary>One timed wave of K jobs through the API silo: NFE, wall, each job's latency and top score, and what each silo did.</summary>
internal sealed record ClusterWave(long Nfe, TimeSpan Wall, double[] LatencySeconds, double[] TopScores, SiloDelta[] Silos);
