using System.Diagnostics;
using GenerationPlatform.Core.Sampling;
using GenerationPlatform.Core.Verifiers;
using GenerationPlatform.Diffusion.Sampling;

namespace GenerationPlatform.Bench.Platform;

/// <summary>
/// platform's baseline: one process, no grains, no gRPC: per round, all jobs' candidates of that round in one
/// TrajectorySampler (the same max batch), then the classifier scores them in one call.
/// </summary>
internal static class BareLoop
{
    /// <summary>The same jobs' trajectories, round by round across all jobs, each round verified.</summary>
    public static PlatformWave Run(PlatformLoad load, GuidedVelocityField field, IImageVerifier classifier, int wave, CancellationToken ct)
    {
        var sampler = new TrajectorySampler(field, load.MaxBatch);
        var best = Enumerable.Repeat(double.NegativeInfinity, load.Jobs).ToArray();
        long nfe = 0, calls0 = field.Calls;
        var samplerClock = new Stopwatch();
        var verifierClock = new Stopwatch();
        var jit = System.Runtime.JitInfo.GetCompilationTime();
        var wall = Stopwatch.StartNew();
        for (int round = 0; round < load.Rounds; round++)
        {
            var (owners, trajectories) = Round(load, sampler, wave, round);
            nfe += trajectories.Sum(t => (long)t.Spec.Nfe);
            samplerClock.Start();
            sampler.Run(trajectories, ct);
            samplerClock.Stop();
            verifierClock.Start();
            var scores = classifier.Score(trajectories.Select((t, i) => new VerifierInput(t.State.ToArray(), BenchJobs.Label(owners[i]))).ToArray(), ct);
            verifierClock.Stop();
            for (int i = 0; i < scores.Length; i++) best[owners[i]] = Math.Max(best[owners[i]], scores[i]);
        }
        wall.Stop();
        // Every job of a round ends with its round: a job's latency is the whole loop's.
        var latency = Enumerable.Repeat(wall.Elapsed.TotalSeconds, load.Jobs).ToArray();
        return new PlatformWave(nfe, wall.Elapsed, latency, best, samplerClock.Elapsed, verifierClock.Elapsed, field.Calls - calls0, nfe,
            System.Runtime.JitInfo.GetCompilationTime() - jit);
    }

    /// <summary>Every job's candidates of one round, with the job each belongs to.</summary>
    private static (List<int> Owners, List<Trajectory> Trajectories) Round(PlatformLoad load, TrajectorySampler sampler, int wave, int round)
    {
        var owners = new List<int>();
        var trajectories = new List<Trajectory>();
        for (int j = 0; j < load.Jobs; j++)
        {
            var request = load.Request(wave, j);
            for (int i = round * BenchJobs.PerRound; i < Math.Min(load.Samples, (round + 1) * BenchJobs.PerRound); i++)
            {
                trajectories.Add(sampler.Create(request.Full(new NoiseSeed(request.Seed, 0, (uint)i))));
                owners.Add(j);
            }
        }
        return (owners, trajectories);
    }
}
