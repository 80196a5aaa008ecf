using GenerationPlatform.LocalCluster;

namespace GenerationPlatform.Bench.Cluster;

/// <summary>One silo of the benchmark cluster: its name, whether it is a denoiser silo, its batch cap setting and its process.</summary>
internal sealed record SiloHandle(string Name, bool Denoiser, int MaxBatch, SiloProcess Process)
{
    public int GrpcPort => Process.GrpcPort;
    public int HttpPort => Process.HttpPort;
    public int SiloPort => Process.SiloPort;
    public Uri GrpcAddress => Process.GrpcAddress;
    public Uri HttpAddress => Process.HttpAddress;
}
