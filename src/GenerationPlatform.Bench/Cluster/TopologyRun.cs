namespace GenerationPlatform.Bench.Cluster;

/// <summary>The timed waves with one number of denoiser silos, and the silos then (name, role, pid, batch cap).</summary>
internal sealed record TopologyRun(int DenoiserSilos, List<ClusterWave> Waves, (string Name, string Role, int Pid, int Cap)[] Silos);
