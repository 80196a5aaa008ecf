using System.Diagnostics;
using System.Globalization;
using GenerationPlatform.Api.V1;
using GenerationPlatform.Client;
using Grpc.Core;

namespace GenerationPlatform.Bench.LoadTest;

/// <summary>
/// One phase of the load test: each tenant's jobs submitted with its concurrency, resubmitted after each quota rejection,
/// followed to their end (a broken stream followed up with GetJob) and checked to have a stored result.
/// </summary>
internal static class LoadTestPhase
{
    public static async Task<JobOutcome[]> RunAsync(Uri target, (TenantPlan Tenant, int Jobs)[] work, LoadTestSettings settings, CancellationToken cancellationToken)
    {
        var tasks = new List<Task<JobOutcome>>();
        var clients = new List<GenerationPlatformClient>();
        try
        {
            foreach (var (tenant, jobs) in work)
            {
                var client = new GenerationPlatformClient(target, tenant.Key);
                clients.Add(client);
                var gate = new SemaphoreSlim(tenant.Role == TenantPlan.FloodRole ? settings.FloodConcurrency : settings.LightConcurrency);
                for (int i = 0; i < jobs; i++)
                {
                    var request = new GenerateRequest
                    {
                        Model = settings.Model, Class = (i % 10).ToString(CultureInfo.InvariantCulture), Algorithm = "random", Verifier = settings.Verifier,
                        BudgetNfe = settings.Budget, TopK = 1, Steps = settings.Steps, Sampler = Sampler.Euler, Guidance = 1f, Seed = (ulong)(1000 + i),
                    };
                    tasks.Add(GatedAsync(gate, () => RunJobAsync(client, tenant, request, settings.RetryAfter, cancellationToken)));
                }
            }
            return await Task.WhenAll(tasks);
        }
        finally
        {
            foreach (var client in clients) client.Dispose();
        }
    }

    private static async Task<JobOutcome> GatedAsync(SemaphoreSlim gate, Func<Task<JobOutcome>> run)
    {
        await gate.WaitAsync(CancellationToken.None);
        try { return await run(); }
        finally { gate.Release(); }
    }

    /// <summary>Submits (again after each quota rejection) and follows the job to its end; a broken stream is followed up with GetJob.</summary>
    private static async Task<JobOutcome> RunJobAsync(GenerationPlatformClient client, TenantPlan tenant, GenerateRequest request, TimeSpan retryAfter,
        CancellationToken cancellationToken)
    {
        int rejections = 0;
        string? jobId = null;
        var clock = Stopwatch.StartNew();
        try
        {
            while (true)
            {
                clock.Restart();
                try
                {
                    JobUpdate? last = null;
                    await foreach (var update in client.GenerateAsync(request, cancellationToken))
                    {
                        if (update.UpdateCase == JobUpdate.UpdateOneofCase.Accepted) jobId = update.Accepted.JobId;
                        last = update;
                    }
                    var latency = clock.Elapsed;
                    var state = last?.UpdateCase switch
                    {
                        JobUpdate.UpdateOneofCase.Result => JobState.Completed,
                        JobUpdate.UpdateOneofCase.Ended => last.Ended.State,
                        _ => JobState.Running,
                    };
                    return await CheckedAsync(client, tenant, jobId, rejections, state, latency, cancellationToken);
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.ResourceExhausted && jobId is null)
                {
                    rejections++;
                    await Task.Delay(retryAfter, cancellationToken);
                }
                catch (RpcException) when (jobId is not null && !cancellationToken.IsCancellationRequested)
                {
                    // The stream broke after acceptance: the job goes on, follow it with GetJob.
                    return await FollowAsync(client, tenant, jobId, rejections, clock, cancellationToken);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or RpcException)
        {
            return new JobOutcome(tenant.Name, tenant.Role, jobId, rejections, jobId is null ? JobState.Unspecified : JobState.Running, false, clock.Elapsed,
                e is OperationCanceledException ? "not ended within the time limit" : $"{((RpcException)e).StatusCode}: {((RpcException)e).Status.Detail}");
        }
    }

    /// <summary>Follows jobs submitted elsewhere (the hostile tenant's) to their end and checks their stored results.</summary>
    public static async Task<JobOutcome[]> FollowAllAsync(Uri target, TenantPlan tenant, IReadOnlyList<string> jobIds, CancellationToken cancellationToken)
    {
        using var client = new GenerationPlatformClient(target, tenant.Key);
        var outcomes = new List<JobOutcome>(jobIds.Count);
        foreach (var id in jobIds)
        {
            try { outcomes.Add(await FollowAsync(client, tenant, id, 0, Stopwatch.StartNew(), cancellationToken)); }
            catch (Exception e) when (e is OperationCanceledException or RpcException)
            {
                outcomes.Add(new JobOutcome(tenant.Name, tenant.Role, id, 0, JobState.Running, false, TimeSpan.Zero, e.Message));
            }
        }
        return [.. outcomes];
    }

    private static async Task<JobOutcome> FollowAsync(GenerationPlatformClient client, TenantPlan tenant, string jobId, int rejections, Stopwatch clock,
        CancellationToken cancellationToken)
    {
        while (true)
        {
            var job = await GetJobAsync(client, jobId, cancellationToken);
            if (job.State != JobState.Running) return await CheckedAsync(client, tenant, jobId, rejections, job.State, clock.Elapsed, cancellationToken);
            await Task.Delay(250, cancellationToken);
        }
    }

    /// <summary>GetJob, waiting out the tenant's own rate limit as its pushback says (a flooding tenant's checks are its own calls too).</summary>
    private static async Task<Job> GetJobAsync(GenerationPlatformClient client, string jobId, CancellationToken cancellationToken)
    {
        while (true)
        {
            try { return await client.GetJobAsync(jobId, cancellationToken); }
            catch (RpcException e) when (e.StatusCode == StatusCode.ResourceExhausted && e.Trailers.GetValue("grpc-retry-pushback-ms") is { } ms)
            {
                int wait = int.TryParse(ms, CultureInfo.InvariantCulture, out var given) ? given : 1000;
                await Task.Delay(Math.Clamp(wait, 10, 5000), cancellationToken);
            }
        }
    }

    /// <summary>A completed job counts only when GetJob reads its result back from the result store with every image.</summary>
    private static async Task<JobOutcome> CheckedAsync(GenerationPlatformClient client, TenantPlan tenant, string? jobId, int rejections, JobState state, TimeSpan latency,
        CancellationToken cancellationToken)
    {
        if (jobId is null) return new JobOutcome(tenant.Name, tenant.Role, null, rejections, state, false, latency, "the stream ended without an accepted update");
        if (state != JobState.Completed) return new JobOutcome(tenant.Name, tenant.Role, jobId, rejections, state, false, latency, state == JobState.Failed ? "failed" : null);
        var job = await GetJobAsync(client, jobId, cancellationToken);
        bool stored = job.State == JobState.Completed && job.Result is { ResultLocation.Length: > 0 } r && r.Images.Count > 0 && r.Images.All(i => i.Png.Length > 0);
        return new JobOutcome(tenant.Name, tenant.Role, jobId, rejections, state, stored, latency, stored ? null : "completed, but its stored result did not read back");
    }
}
