namespace GenerationPlatform.Bench.Cluster;

/// <summary>One topology's figures over its timed waves (NFE/s, latency, model calls, batch and fill), and each silo's.</summary>
internal sealed record TopologyFigures(int DenoiserSilos, long TotalNfe, double WallSeconds, double NfePerSecond, double LatencyP50Seconds, double LatencyP95Seconds,
    long ModelCalls, double? MeanBatch, double? MeanFill, SiloFigures[] Silos)
{
    public static TopologyFigures Of(TopologyRun run)
    {
        var waves = run.Waves;
        double wall = waves.Sum(w => w.Wall.TotalSeconds);
        long nfe = waves.Sum(w => w.Nfe);
        var latencies = waves.SelectMany(w => w.LatencySeconds).ToArray();
        var silos = run.Silos.Select((s, i) =>
        {
            var deltas = waves.Select(w => w.Silos[i]).ToArray();
            double calls = deltas.Sum(d => d.Calls), fillCount = deltas.Sum(d => d.FillCount), cpu = deltas.Sum(d => d.CpuSeconds);
            return new SiloFigures(s.Name, s.Role, s.Pid, s.Role == "denoiser" ? (int)deltas[^1].Cap : null, (long)deltas.Sum(d => d.Nfe), (long)calls,
                calls > 0 ? deltas.Sum(d => d.BatchSum) / calls : null, fillCount > 0 ? deltas.Sum(d => d.FillSum) / fillCount : null,
                (long)deltas.Sum(d => d.JobsEnded), (long)deltas.Sum(d => d.VerifierImages), Math.Round(cpu, 2), Math.Round(cpu / wall, 3),
                (long)deltas.Sum(d => d.Messages), (long)deltas.Sum(d => d.MessageBytes));
        }).ToArray();
        var all = waves.SelectMany(w => w.Silos).ToArray();
        double allCalls = all.Sum(d => d.Calls), allFills = all.Sum(d => d.FillCount);
        return new TopologyFigures(run.DenoiserSilos, nfe, Math.Round(wall, 3), nfe / wall, Percentile.Of(latencies, 0.5), Percentile.Of(latencies, 0.95), (long)allCalls,
            allCalls > 0 ? all.Sum(d => d.BatchSum) / allCalls : null, allFills > 0 ? all.Sum(d => d.FillSum) / allFills : null, silos);
    }
}
