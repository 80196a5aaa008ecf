using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Headers;
using GenerationPlatform.Api.V1;
using GenerationPlatform.Client;
using GenerationPlatform.Contracts;
using GenerationPlatform.Search;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Runtime;

namespace GenerationPlatform.Api.Tests;

/// <summary>
/// The edge's rate limits on hosts of their own with small buckets that refill slowly (one token a minute), so what a
/// test spends stays spent while it looks: a tenant's calls and its job requests, an address's failed authentications,
/// on the gRPC and HTTP/JSON ports alike (one bucket for both); and the job-id MAC that answers a guess without a grain.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class RateLimitTests
{
    private static Dictionary<string, string?> Limits(int calls = 1000, int submits = 1000, int failures = 1000) => new()
    {
        ["GenerationPlatform:Host:JsonPort"] = "0",
        [$"{RateLimitOptions.Section}:CallBurst"] = calls.ToString(System.Globalization.CultureInfo.InvariantCulture),
        [$"{RateLimitOptions.Section}:CallsPerSecond"] = "0.0167",
        [$"{RateLimitOptions.Section}:SubmitBurst"] = submits.ToString(System.Globalization.CultureInfo.InvariantCulture),
        [$"{RateLimitOptions.Section}:SubmitsPerMinute"] = "1",
        [$"{RateLimitOptions.Section}:FailureBurst"] = failures.ToString(System.Globalization.CultureInfo.InvariantCulture),
        [$"{RateLimitOptions.Section}:FailuresPerMinute"] = "1",
        [$"{RateLimitOptions.Section}:RefusalDelay"] = "00:00:00.05",
    };

    [Fact]
    public async Task ATenantsCallsShareOneBucketOnBothPortsAndAnotherTenantKeepsItsOwn()
    {
        await using var host = await OwnHost.StartAsync(Limits(calls: 4));
        using var alpha = new GenerationPlatformClient(host.GrpcAddress, PlatformFixture.AlphaKey);
        using var beta = new GenerationPlatformClient(host.GrpcAddress, PlatformFixture.BetaKey);
        using var http = new HttpClient { BaseAddress = new Uri(host.Endpoints.Json!) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", PlatformFixture.AlphaKey);

        // Four calls pass (two on each port); each is answered on its merits.
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(StatusCode.NotFound, (await Assert.ThrowsAsync<RpcException>(() => alpha.GetJobAsync(JobIds.Unissued()))).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/v1/jobs/{JobIds.Unissued()}")).StatusCode);
        }

        // The fifth, on either port, is refused with when to come back.
        var refused = await Assert.ThrowsAsync<RpcException>(() => alpha.GetJobAsync(JobIds.Unissued()));
        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.StartsWith("rate: this tenant's calls are over its rate limit; retry in ", refused.Status.Detail);
        Assert.True(long.Parse(refused.Trailers.GetValue(ApiKeyInterceptor.PushbackTrailer)!, System.Globalization.CultureInfo.InvariantCulture) > 0);
        var overHttp = await http.GetAsync("/v1/models");
        Assert.Equal(HttpStatusCode.TooManyRequests, overHttp.StatusCode);
        Assert.True(overHttp.Headers.RetryAfter?.Delta > TimeSpan.Zero, $"Retry-After: {overHttp.Headers.RetryAfter}");

        // Beta arrives from the same address and is not touched by alpha's traffic.
        Assert.NotEmpty((await beta.ListModelsAsync()).Models);
    }

    [Fact]
    public async Task ARefusalIsHeldBeforeItIsAnsweredSoAClientThatIgnoresThePushbackIsSlowedToTheDelay()
    {
        var limits = Limits(calls: 1);
        limits[$"{RateLimitOptions.Section}:RefusalDelay"] = "00:00:00.4";
        limits[$"{RateLimitOptions.Section}:MaxHeldRefusals"] = "2";
        await using var host = await OwnHost.StartAsync(limits);
        using var alpha = new GenerationPlatformClient(host.GrpcAddress, PlatformFixture.AlphaKey);
        Assert.NotEmpty((await alpha.ListModelsAsync()).Models); // the bucket's one token

        // Refused, but only after the delay; the pushback says what is left of the wait (a token a minute: most of it).
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var refused = await Assert.ThrowsAsync<RpcException>(() => alpha.ListModelsAsync());
        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(380), $"answered after {clock.ElapsedMilliseconds} ms");
        long pushback = long.Parse(refused.Trailers.GetValue(ApiKeyInterceptor.PushbackTrailer)!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(pushback, 1, 60_000 - 380);

        // Two are held at once; a third, beside them, is answered at once.
        var held = Enumerable.Range(0, 2).Select(_ => Assert.ThrowsAsync<RpcException>(() => alpha.ListModelsAsync())).ToArray();
        await Task.Delay(100);
        clock.Restart();
        await Assert.ThrowsAsync<RpcException>(() => alpha.ListModelsAsync());
        Assert.True(clock.Elapsed < TimeSpan.FromMilliseconds(300), $"the third refusal took {clock.ElapsedMilliseconds} ms");
        await Task.WhenAll(held);
    }

    [Fact]
    public async Task ListJobsAndDeleteJobCountAgainstTheTenantsCallsOnBothPorts()
    {
        await using var host = await OwnHost.StartAsync(Limits(calls: 4));
        using var alpha = new GenerationPlatformClient(host.GrpcAddress, PlatformFixture.AlphaKey);
        using var http = new HttpClient { BaseAddress = new Uri(host.Endpoints.Json!) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", PlatformFixture.AlphaKey);

        Assert.Empty((await alpha.ListJobsAsync()).Jobs);
        Assert.Equal(StatusCode.NotFound, (await Assert.ThrowsAsync<RpcException>(() => alpha.DeleteJobAsync(JobIds.Unissued()))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/v1/jobs")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.DeleteAsync($"/v1/jobs/{JobIds.Unissued()}")).StatusCode);

        foreach (var call in new Func<Task>[] { () => alpha.ListJobsAsync(), () => alpha.DeleteJobAsync(JobIds.Unissued()) })
        {
            var refused = await Assert.ThrowsAsync<RpcException>(call);
            Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
            Assert.StartsWith("rate: this tenant's calls are over its rate limit", refused.Status.Detail);
        }
        Assert.Equal(HttpStatusCode.TooManyRequests, (await http.GetAsync("/v1/jobs")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await http.DeleteAsync($"/v1/jobs/{JobIds.Unissued()}")).StatusCode);
    }

    [Fact]
    public async Task JobRequestsHaveABucketOfTheirOwnAndARefusedOneReachesNoGrain()
    {
        await using var host = await OwnHost.StartAsync(Limits(submits: 1));
        using var alpha = new GenerationPlatformClient(host.GrpcAddress, PlatformFixture.AlphaKey);
        var first = await alpha.SubmitAsync(PlatformFixture.Request(seed: 11));
        var activations = await SearchGrainActivations(host);

        var refused = await Assert.ThrowsAsync<RpcException>(() => alpha.SubmitAsync(PlatformFixture.Request(seed: 12)));
        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.StartsWith("rate: this tenant's jobs are over its rate limit", refused.Status.Detail);
        Assert.True(await SearchGrainActivations(host) <= activations, "a refused job request activated a search grain");

        // Other calls still pass: the job's own progress, for one.
        Assert.Equal(first.JobId, (await alpha.GetJobAsync(first.JobId)).JobId);
    }

    [Fact]
    public async Task AnAddressThatKeepsFailingAuthenticationIsThrottledButAValidKeyFromItStillPasses()
    {
        await using var host = await OwnHost.StartAsync(Limits(failures: 3));
        using var wrong = new GenerationPlatformClient(host.GrpcAddress, "not-a-key-of-anyone-1234");
        using var http = new HttpClient { BaseAddress = new Uri(host.Endpoints.Json!) };
        for (int i = 0; i < 3; i++)
            Assert.Equal(StatusCode.Unauthenticated, (await Assert.ThrowsAsync<RpcException>(() => wrong.ListModelsAsync())).StatusCode);

        var throttled = await Assert.ThrowsAsync<RpcException>(() => wrong.ListModelsAsync());
        Assert.Equal(StatusCode.ResourceExhausted, throttled.StatusCode);
        Assert.StartsWith("authorization: too many failed authentications from this address", throttled.Status.Detail);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await http.GetAsync("/v1/models")).StatusCode); // no key at all, over HTTP

        // Behind an ingress every tenant shares the address: a valid key is not refused for someone else's failures.
        using var alpha = new GenerationPlatformClient(host.GrpcAddress, PlatformFixture.AlphaKey);
        Assert.NotEmpty((await alpha.ListModelsAsync()).Models);
    }

    [Fact]
    public async Task AnIdNotIssuedToTheCallerIsNotFoundWithoutAGrainActivation()
    {
        await using var host = await OwnHost.StartAsync(Limits());
        using var alpha = new GenerationPlatformClient(host.GrpcAddress, PlatformFixture.AlphaKey);
        using var beta = new GenerationPlatformClient(host.GrpcAddress, PlatformFixture.BetaKey);
        var job = await alpha.SubmitAsync(PlatformFixture.Request(seed: 13));
        await alpha.GenerateToEndAsync(PlatformFixture.Request(seed: 14));
        var tampered = job.JobId[..^1] + (job.JobId[^1] == '0' ? '1' : '0');

        long unknown = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == SearchTelemetry.Name && instrument.Name == "genplat.jobs.unknown_ids") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref unknown, value));
        listener.Start();
        var activations = await SearchGrainActivations(host);
        foreach (var (client, id) in new[] { (beta, job.JobId), (alpha, tampered), (alpha, JobIds.Unissued()) })
        {
            var e = await Assert.ThrowsAsync<RpcException>(() => client.GetJobAsync(id));
            Assert.Equal((StatusCode.NotFound, $"job_id: no job {id}"), (e.StatusCode, e.Status.Detail));
            Assert.Equal(StatusCode.NotFound, (await Assert.ThrowsAsync<RpcException>(() => client.CancelAsync(id))).StatusCode);
        }
        Assert.True(Interlocked.Read(ref unknown) >= 6, $"{unknown} calls counted as unknown ids");
        Assert.True(await SearchGrainActivations(host) <= activations, "a call on an id never issued to its caller activated a search grain");
        Assert.Equal(job.JobId, (await alpha.GetJobAsync(job.JobId)).JobId); // the owner's own id still works
    }

    private static async Task<int> SearchGrainActivations(OwnHost host)
    {
        var management = host.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
        var statistics = await management.GetSimpleGrainStatistics();
        return statistics.Where(s => s.GrainType.Contains("SearchGrain", StringComparison.Ordinal)).Sum(s => s.ActivationCount);
    }
}
