using System.Globalization;
using System.Security.Cryptography;
using GenerationPlatform.Api.V1;
using GenerationPlatform.Client;
using Grpc.Core;

namespace GenerationPlatform.Bench.LoadTest;

/// <summary>
/// A hostile tenant at the highest rate one client reaches: loops that, without pause, ask for jobs on random ids
/// (well-formed, never issued) and submit jobs again as soon as one is refused. What each call got back is counted; the
/// jobs it did get accepted are kept, to be checked like every other job.
/// </summary>
internal sealed class HostileFlood
{
    private long calls, notFound, rateLimited, quotaRefused, otherErrors;
    private readonly List<string> accepted = [];

    public long Calls => Interlocked.Read(ref calls);
    public long NotFound => Interlocked.Read(ref notFound);
    public long RateLimited => Interlocked.Read(ref rateLimited);
    public long QuotaRefused => Interlocked.Read(ref quotaRefused);
    public long OtherErrors => Interlocked.Read(ref otherErrors);

    public IReadOnlyList<string> Accepted
    {
        get { lock (accepted) return accepted.ToArray(); }
    }

    /// <summary>Runs <paramref name="loops"/> loops until <paramref name="stop"/> is cancelled.</summary>
    public async Task RunAsync(Uri target, TenantPlan tenant, int loops, LoadTestSettings settings, CancellationToken stop)
    {
        using var client = new GenerationPlatformClient(target, tenant.Key);
        await Task.WhenAll(Enumerable.Range(0, loops).Select(i => Task.Run(() => LoopAsync(client, i, settings, stop), CancellationToken.None)));
    }

    private async Task LoopAsync(GenerationPlatformClient client, int loop, LoadTestSettings settings, CancellationToken stop)
    {
        for (long n = 0; !stop.IsCancellationRequested; n++)
        {
            Interlocked.Increment(ref calls);
            try
            {
                if (n % 2 == 0)
                {
                    await client.GetJobAsync($"job-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20))}", stop);
                    Interlocked.Increment(ref otherErrors); // a random id must never be found
                }
                else
                {
                    var request = new GenerateRequest
                    {
                        Model = settings.Model, Class = (loop % 10).ToString(CultureInfo.InvariantCulture), Algorithm = "random", Verifier = settings.Verifier,
                        BudgetNfe = settings.Budget, TopK = 1, Steps = settings.Steps, Sampler = Sampler.Euler, Guidance = 1f, Seed = (ulong)(50_000 + n),
                    };
                    var response = await client.SubmitAsync(request, stop);
                    lock (accepted) accepted.Add(response.JobId);
                }
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.NotFound) { Interlocked.Increment(ref notFound); }
            catch (RpcException e) when (e.StatusCode == StatusCode.ResourceExhausted)
            {
                // The edge's limiter says when to come back (the hostile client ignores it); a quota refusal does not.
                if (e.Trailers.Get("grpc-retry-pushback-ms") is not null) Interlocked.Increment(ref rateLimited);
                else Interlocked.Increment(ref quotaRefused);
            }
            catch (RpcException) when (stop.IsCancellationRequested) { }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
            catch (RpcException) { Interlocked.Increment(ref otherErrors); }
        }
    }
}
