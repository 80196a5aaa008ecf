namespace GenerationPlatform.Bench.Cluster;

/// <summary>A process the benchmark started, by name and pid.</summary>
internal sealed record ProcessRecord(string Name, int Pid);
