using GenerationPlatform.Core.Sampling;
using GenerationPlatform.Search;

namespace GenerationPlatform.Bench.Platform;

/// <summary>One benchmark configuration of platform: the same K jobs for every side.</summary>
internal sealed record PlatformLoad(int Jobs, int Samples, int Steps, int MaxBatch, int TopK)
{
    public int SampleNfe => BenchJobs.SampleNfe(Steps);
    public long Budget => (long)Samples * SampleNfe;
    public int Rounds => (Samples + BenchJobs.PerRound - 1) / BenchJobs.PerRound;

    /// <summary>Job <paramref name="job"/> of wave <paramref name="wave"/> as the bare loop runs it.</summary>
    public SearchRequest Request(int wave, int job) =>
        new(BenchJobs.Label(job), BenchJobs.Guidance, BenchJobs.Seed(wave, job), Budget, TopK, SamplerKind.Heun, Steps);
}
