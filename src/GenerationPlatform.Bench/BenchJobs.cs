using System.Diagnostics;
using System.Globalization;
using GenerationPlatform.Api.V1;
using GenerationPlatform.Client;
using GenerationPlatform.Contracts;
using GenerationPlatform.Core.Sampling;
using GenerationPlatform.Search;
using GenerationPlatform.Search.Algorithms;

namespace GenerationPlatform.Bench;

/// <summary>
/// The benchmark load of platform and cluster: K jobs of one tenant, each a random search of the shipped model (rounds of
/// candidates, each round verified by the classifier), Heun, guidance 1.5; job j of wave w has class j mod 10 and a seed of
/// its own, so every side and topology does the same work.
/// </summary>
internal static class BenchJobs
{
    public const string Tenant = "bench", Verifier = "classifier", Algorithm = "random";
    public const float Guidance = 1.5f;

    /// <summary>Random search's round size for the bench's jobs (no parameters, no adaptive budget): each round is denoised, then verified.</summary>
    public static int PerRound { get; } = RandomSearchOptions.DefaultRound;

    /// <summary>One full sample's NFE at <paramref name="steps"/> Heun steps with guidance.</summary>
    public static int SampleNfe(int steps) => new SearchRequest(0, Guidance, 0, 1, Sampler: SamplerKind.Heun, Steps: steps).SampleNfe;

    public static int Label(int job) => job % 10;

    public static ulong Seed(int wave, int job) => 1_000_003UL * (ulong)(wave + 1) + (ulong)job;

    /// <summary>Job <paramref name="job"/> of wave <paramref name="wave"/> through the gRPC API, to its terminal update: its NFE, latency and top score.</summary>
    /// <param name="model">The model the job asks for (default: the shipped one).</param>
    public static async Task<JobRun> RunAsync(GenerationPlatformClient client, int wave, int job, long budget, int topK, int steps, CancellationToken ct,
        string? model = null)
    {
        var clock = Stopwatch.StartNew();
        var end = await client.GenerateToEndAsync(new GenerateRequest
        {
            Model = model ?? ModelOptions.ShippedModel,
            Class = Label(job).ToString(CultureInfo.InvariantCulture),
            Algorithm = Algorithm,
            Verifier = Verifier,
            BudgetNfe = budget,
            TopK = topK,
            Sampler = GenerationPlatform.Api.V1.Sampler.Heun,
            Steps = steps,
            Guidance = Guidance,
            Seed = Seed(wave, job),
        }, ct);
        var seconds = clock.Elapsed.TotalSeconds;
        if (end.UpdateCase != JobUpdate.UpdateOneofCase.Result)
            throw new InvalidOperationException($"bench job {job} of wave {wave} ended {end.Ended.State}: {end.Ended.Message}");
        return new JobRun(end.Result.Nfe.Search + end.Result.Nfe.Final, seconds, end.Result.Images[0].Score);
    }
}
