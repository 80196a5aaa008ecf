using System.Globalization;

namespace GenerationPlatform.Bench.Cluster;

/// <summary>
/// What the API silo spends per job and per NFE (CPU, messages to and from other silos, their bytes), over every timed wave of
/// every topology: the figures docs/SCALING-OUT.md extrapolates to the fleet size at which one API silo saturates.
/// </summary>
/// <param name="Saturation">NFE/s at which one API silo's CPU would be spent, at <paramref name="Cores"/> cores: Cores / CPU s per NFE.</param>
internal sealed record ApiSiloCost(long Jobs, long Nfe, double CpuSeconds, long Messages, long MessageBytes, double CpuMsPerJob, double CpuMsPerNfe,
    double MessagesPerNfe, double BytesPerNfe, int Cores, double Saturation)
{
    public static ApiSiloCost Of(IReadOnlyList<TopologyFigures> topologies)
    {
        var api = topologies.Select(t => t.Silos.Single(s => s.Role == "api")).ToArray();
        long jobs = api.Sum(s => s.JobsEnded), nfe = topologies.Sum(t => t.TotalNfe), messages = api.Sum(s => s.Messages), bytes = api.Sum(s => s.MessageBytes);
        double cpu = api.Sum(s => s.CpuSeconds);
        int cores = Environment.ProcessorCount;
        double perNfe = nfe > 0 ? cpu / nfe : double.NaN;
        return new ApiSiloCost(jobs, nfe, Math.Round(cpu, 2), messages, bytes, jobs > 0 ? 1000 * cpu / jobs : double.NaN, 1000 * perNfe,
            nfe > 0 ? (double)messages / nfe : double.NaN, nfe > 0 ? (double)bytes / nfe : double.NaN, cores, cores / perNfe);
    }

    public void Write(TextWriter output) => output.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"API silo, all timed waves: {Jobs} jobs ended there, {Nfe} NFE, CPU {CpuSeconds:F1} s = {CpuMsPerJob:F1} ms a job, {CpuMsPerNfe:F3} ms an NFE; "
        + $"{Messages} messages to and from other silos ({MessagesPerNfe:F3} an NFE), {MessageBytes / 1e6:F2} MB ({BytesPerNfe:F0} bytes an NFE); "
        + $"its CPU alone would saturate {Cores} cores at {Saturation:F0} NFE/s"));
}
