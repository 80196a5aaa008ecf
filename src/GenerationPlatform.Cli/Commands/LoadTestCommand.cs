using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using GenerationPlatform.Api.V1;
using GenerationPlatform.Client;
using GenerationPlatform.Silo;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using GenerationPlatform.Tools;

namespace GenerationPlatform.Cli.Commands;

/// <summary>
/// <c>genplat loadtest</c>: many tenants' jobs through the gRPC API, one tenant flooding. Two phases: the light tenants
/// alone, then the same light work while the flooding tenant submits far more, concurrently. Prints per tenant what
/// was accepted, rejected by quota (RESOURCE_EXHAUSTED, then resubmitted), completed and lost, and the light tenants'
/// latency with the flood against without it. Bounded in jobs and in time.
/// </summary>
internal static class LoadTestCommand
{
    private const string FloodRole = "flood", LightRole = "light";

    public static Command Create()
    {
        var address = new Option<string?>("--address") { Description = "gRPC address of a running platform, e.g. http://127.0.0.1:5080 (with --tenant)" };
        var embedded = new Option<bool>("--embedded") { Description = "start an embedded platform in this process, with dev tenants of its own" };
        var tenantKeys = new Option<string[]>("--tenant") { Description = "name:key, repeatable, with --address: the first one floods, the others are light" };
        var jobs = new Option<int>("--jobs") { Description = "jobs of the flood phase, all tenants together", DefaultValueFactory = _ => 200 };
        var tenants = new Option<int>("--tenants") { Description = "tenants with --embedded (one floods)", DefaultValueFactory = _ => 5 };
        var floodShare = new Option<double>("--flood-share") { Description = "share of --jobs that the flooding tenant submits", DefaultValueFactory = _ => 0.6 };
        var floodConcurrency = new Option<int>("--flood-concurrency") { Description = "the flooding tenant's requests in flight", DefaultValueFactory = _ => 32 };
        var lightConcurrency = new Option<int>("--light-concurrency") { Description = "each light tenant's requests in flight", DefaultValueFactory = _ => 2 };
        var budget = new Option<long>("--budget") { Description = "NFE budget of each job", DefaultValueFactory = _ => 16 };
        var steps = new Option<int>("--steps") { Description = "Euler steps per sample", DefaultValueFactory = _ => 4 };
        var quota = new Option<int>("--max-concurrent-jobs") { Description = "with --embedded: every tenant's concurrent-jobs quota", DefaultValueFactory = _ => 4 };
        var retryAfter = new Option<int>("--retry-ms") { Description = "wait before resubmitting a job rejected by quota", DefaultValueFactory = _ => 200 };
        var timeLimit = new Option<double>("--time-limit") { Description = "seconds for both phases together; jobs not ended by then are reported", DefaultValueFactory = _ => 600 };
        var model = new Option<string>("--model") { Description = "model of every job", DefaultValueFactory = _ => "velocity-unet" };
        var verifier = new Option<string>("--verifier") { Description = "verifier of every job", DefaultValueFactory = _ => "classifier" };
        var cmd = new Command("loadtest", "Jobs of several tenants through the gRPC API, one flooding: lost jobs, quota rejections and the light tenants' latency against running alone")
        {
            address, embedded, tenantKeys, jobs, tenants, floodShare, floodConcurrency, lightConcurrency, budget, steps, quota, retryAfter, timeLimit, model, verifier,
        };
        cmd.SetAction(async (p, ct) =>
        {
            var settings = new Settings(
                CliParsing.Positive(p.GetValue(jobs), "--jobs"),
                CliParsing.InRange(p.GetValue(floodShare), "--flood-share", 0, 0.95),
                CliParsing.Positive(p.GetValue(floodConcurrency), "--flood-concurrency"),
                CliParsing.Positive(p.GetValue(lightConcurrency), "--light-concurrency"),
                p.GetValue(budget) > 0 ? p.GetValue(budget) : throw new CliArgumentException("--budget must be greater than 0"),
                CliParsing.Positive(p.GetValue(steps), "--steps"),
                TimeSpan.FromMilliseconds(CliParsing.Positive(p.GetValue(retryAfter), "--retry-ms")),
                p.GetValue(model)!, p.GetValue(verifier)!);
            var limit = TimeSpan.FromSeconds(CliParsing.InRange(p.GetValue(timeLimit), "--time-limit", 1, 86_400));
            bool isEmbedded = p.GetValue(embedded);
            var given = p.GetValue(tenantKeys) ?? [];
            if (isEmbedded == (p.GetValue(address) is not null)) throw new CliArgumentException("loadtest: give either --embedded or --address");
            if (isEmbedded && given.Length > 0) throw new CliArgumentException("--tenant is for --address; --embedded creates its own tenants");

            List<(string Name, string Key)> keys;
            WebApplication? app = null;
            Uri target;
            string? resultsFolder = null;
            if (isEmbedded)
            {
                int count = p.GetValue(tenants) is var n and >= 2 and <= 64 ? n : throw new CliArgumentException("--tenants must be between 2 and 64");
                keys = Enumerable.Range(0, count).Select(i => (i == 0 ? "flood" : $"light{i}", Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)))).ToList();
                resultsFolder = Directory.CreateTempSubdirectory("genplat-loadtest-").FullName;
                app = await StartEmbeddedAsync(keys, CliParsing.Positive(p.GetValue(quota), "--max-concurrent-jobs"), resultsFolder, ct);
                target = new Uri(PlatformHost.Endpoints(app).Grpc);
            }
            else
            {
                if (given.Length < 2) throw new CliArgumentException("--address needs at least two --tenant name:key (the first floods)");
                keys = given.Select(TenantKey).ToList();
                target = Uri.TryCreate(p.GetValue(address), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
                    ? uri : throw new CliArgumentException($"--address must be an http:// or https:// URI (got '{p.GetValue(address)}')");
            }

            try
            {
                var plan = keys.Select((k, i) => new TenantPlan(k.Name, k.Key, i == 0 ? FloodRole : LightRole)).ToArray();
                int floodJobs = (int)Math.Round(settings.Jobs * settings.FloodShare);
                int lightJobs = Math.Max(1, (settings.Jobs - floodJobs) / (plan.Length - 1));
                Console.WriteLine($"genplat loadtest: {(isEmbedded ? "embedded platform" : "platform")} at {target}; tenant {plan[0].Name} floods ({floodJobs} jobs, {settings.FloodConcurrency} in flight), "
                    + $"{plan.Length - 1} light tenants ({lightJobs} jobs each, {settings.LightConcurrency} in flight); budget {settings.Budget} NFE, Euler {settings.Steps} steps");
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(limit);

                // Warm-up, not measured: the first job loads the model and verifier and activates the grains.
                var clock = Stopwatch.StartNew();
                var warmUp = await RunPhaseAsync(target, plan.Select(t => (t, 1)).ToArray(), settings, timeout.Token);
                Console.WriteLine($"warm-up: {warmUp.Length} jobs in {clock.Elapsed.TotalSeconds:F1} s");
                clock.Restart();
                var alone = await RunPhaseAsync(target, plan.Skip(1).Select(t => (t, lightJobs)).ToArray(), settings, timeout.Token);
                Console.WriteLine($"phase 1, light tenants alone: {alone.Length} jobs in {clock.Elapsed.TotalSeconds:F1} s");
                Print(alone);
                clock.Restart();
                var flooded = await RunPhaseAsync(target, [(plan[0], floodJobs), .. plan.Skip(1).Select(t => (t, lightJobs))], settings, timeout.Token);
                Console.WriteLine($"phase 2, with the flood: {flooded.Length} jobs in {clock.Elapsed.TotalSeconds:F1} s");
                Print(flooded);

                var before = LightLatencies(alone);
                var during = LightLatencies(flooded);
                double p50Ratio = Percentile.Of(during, 0.5) / Percentile.Of(before, 0.5), p95Ratio = Percentile.Of(during, 0.95) / Percentile.Of(before, 0.95);
                Console.WriteLine($"light tenants p50: alone {Percentile.Of(before, 0.5):F2} s, with the flood {Percentile.Of(during, 0.5):F2} s, ratio {p50Ratio:F2}");
                Console.WriteLine($"light tenants p95: alone {Percentile.Of(before, 0.95):F2} s, with the flood {Percentile.Of(during, 0.95):F2} s, ratio {p95Ratio:F2} (target <= 1.25: {(p95Ratio <= 1.25 ? "met" : "NOT met")})");
                var all = warmUp.Concat(alone).Concat(flooded).ToArray();
                int lost = all.Count(o => o.Lost);
                int unfinished = all.Count(o => o.JobId is null && o.Error is not null);
                Console.WriteLine($"quota rejections: {string.Join(", ", plan.Select(t => $"{t.Name} {all.Where(o => o.Tenant == t.Name).Sum(o => o.Rejections)}"))}");
                Console.WriteLine($"lost jobs: {lost} (accepted jobs that did not end, or completed without a readable stored result)");
                if (unfinished > 0) Console.WriteLine($"never accepted before the time limit or an error: {unfinished}");
                foreach (var o in all.Where(o => o.Lost || o.Error is not null).Take(5)) Console.WriteLine($"  {o.Tenant} {o.JobId ?? "(no job)"}: {o.Error}");
                return lost == 0 && unfinished == 0 ? 0 : 1;
            }
            finally
            {
                if (app is not null)
                {
                    await app.StopAsync(CancellationToken.None);
                    await app.DisposeAsync();
                }
                if (resultsFolder is not null)
                {
                    try { Directory.Delete(resultsFolder, recursive: true); }
                    catch (IOException) { }
                }
            }
        });
        return cmd;
    }

    private sealed record Settings(int Jobs, double FloodShare, int FloodConcurrency, int LightConcurrency, long Budget, int Steps, TimeSpan RetryAfter, string Model, string Verifier);

    private sealed record TenantPlan(string Name, string Key, string Role);

    /// <summary>One job as the client saw it. Lost: accepted, but it never ended, or it completed without a stored result that reads back.</summary>
    private sealed record JobOutcome(string Tenant, string Role, string? JobId, int Rejections, JobState State, bool Stored, TimeSpan Latency, string? Error)
    {
        public bool Lost => JobId is not null && (State is JobState.Running or JobState.Unspecified || State == JobState.Completed && !Stored);
    }

    private static async Task<JobOutcome[]> RunPhaseAsync(Uri target, (TenantPlan Tenant, int Jobs)[] work, Settings settings, CancellationToken cancellationToken)
    {
        var tasks = new List<Task<JobOutcome>>();
        var clients = new List<GenerationPlatformClient>();
        try
        {
            foreach (var (tenant, jobs) in work)
            {
                var client = new GenerationPlatformClient(target, tenant.Key);
                clients.Add(client);
                var gate = new SemaphoreSlim(tenant.Role == FloodRole ? settings.FloodConcurrency : settings.LightConcurrency);
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
    private static async Task<JobOutcome> RunJobAsync(GenerationPlatformClient client, TenantPlan tenant, GenerateRequest request, TimeSpan retryAfter, CancellationToken cancellationToken)
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
                    while (true)
                    {
                        var job = await client.GetJobAsync(jobId, cancellationToken);
                        if (job.State != JobState.Running) return await CheckedAsync(client, tenant, jobId, rejections, job.State, clock.Elapsed, cancellationToken);
                        await Task.Delay(250, cancellationToken);
                    }
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or RpcException)
        {
            return new JobOutcome(tenant.Name, tenant.Role, jobId, rejections, jobId is null ? JobState.Unspecified : JobState.Running, false, clock.Elapsed,
                e is OperationCanceledException ? "not ended within the time limit" : $"{((RpcException)e).StatusCode}: {((RpcException)e).Status.Detail}");
        }
    }

    /// <summary>A completed job counts only when GetJob reads its result back from the result store with every image.</summary>
    private static async Task<JobOutcome> CheckedAsync(GenerationPlatformClient client, TenantPlan tenant, string? jobId, int rejections, JobState state, TimeSpan latency, CancellationToken cancellationToken)
    {
        if (jobId is null) return new JobOutcome(tenant.Name, tenant.Role, null, rejections, state, false, latency, "the stream ended without an accepted update");
        if (state != JobState.Completed) return new JobOutcome(tenant.Name, tenant.Role, jobId, rejections, state, false, latency, state == JobState.Failed ? "failed" : null);
        var job = await client.GetJobAsync(jobId, cancellationToken);
        bool stored = job.State == JobState.Completed && job.Result is { ResultLocation.Length: > 0 } r && r.Images.Count > 0 && r.Images.All(i => i.Png.Length > 0);
        return new JobOutcome(tenant.Name, tenant.Role, jobId, rejections, state, stored, latency, stored ? null : "completed, but its stored result did not read back");
    }

    private static void Print(JobOutcome[] outcomes)
    {
        Console.WriteLine("| tenant | role | jobs | accepted | quota rejections | completed | failed | lost | p50 s | p95 s |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var group in outcomes.GroupBy(o => (o.Tenant, o.Role)))
        {
            var latencies = group.Where(o => o.State == JobState.Completed).Select(o => o.Latency.TotalSeconds).ToArray();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {group.Key.Tenant} | {group.Key.Role} | {group.Count()} | {group.Count(o => o.JobId is not null)} | {group.Sum(o => o.Rejections)} | "
                + $"{group.Count(o => o.State == JobState.Completed && o.Stored)} | {group.Count(o => o.State == JobState.Failed)} | {group.Count(o => o.Lost)} | "
                + $"{Percentile.Of(latencies, 0.5):F2} | {Percentile.Of(latencies, 0.95):F2} |"));
        }
    }

    private static double[] LightLatencies(JobOutcome[] outcomes) =>
        outcomes.Where(o => o.Role == LightRole && o.State == JobState.Completed).Select(o => o.Latency.TotalSeconds).ToArray();

    /// <summary>Nearest-rank percentile; NaN for no values.</summary>
    private static (string Name, string Key) TenantKey(string pair)
    {
        int colon = pair.IndexOf(':');
        return colon > 0 && colon < pair.Length - 1 ? (pair[..colon], pair[(colon + 1)..]) : throw new CliArgumentException($"--tenant: expected name:key (got '{pair}')");
    }

    /// <summary>The embedded platform (as <c>genplat serve</c> runs it) on free loopback ports, with the tenants' key hashes and one quota for all.</summary>
    private static async Task<WebApplication> StartEmbeddedAsync(List<(string Name, string Key)> keys, int maxConcurrentJobs, string resultsFolder, CancellationToken cancellationToken)
    {
        var overrides = new Dictionary<string, string?>
        {
            ["GenerationPlatform:Results:Kind"] = "folder",
            ["GenerationPlatform:Results:Path"] = resultsFolder,
            ["GenerationPlatform:Tenants:Default:MaxConcurrentJobs"] = maxConcurrentJobs.ToString(CultureInfo.InvariantCulture),
            ["GenerationPlatform:Tenants:Default:NfePerMinute"] = "100000000",
            ["GenerationPlatform:Tenants:Default:NfePerDay"] = "1000000000",
        };
        return await EmbeddedPlatform.StartAsync(overrides.WithTenants(keys), builder =>
        {
            builder.Logging.SetMinimumLevel(LogLevel.Warning).AddFilter("Orleans.Runtime.Silo", LogLevel.Error);
            builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace); // stdout: the report only
        }, cancellationToken);
    }
}
