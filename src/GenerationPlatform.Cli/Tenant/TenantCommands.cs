using System.CommandLine;
using GenerationPlatform.Api.V1;
using GenerationPlatform.Cli.Commands;
using GenerationPlatform.Core.Sampling;
using GenerationPlatform.Tools;
using Grpc.Core;

namespace GenerationPlatform.Cli.Tenant;

/// <summary>
/// The calls a tenant makes to a running platform (genplat serve, or a cluster), over gRPC with the typed client: submit (and
/// --wait for the result), watch, job, cancel, jobs, delete, models, verifiers, usage. The server validates; its refusals are printed as
/// it words them (<c>genplat: budget_nfe: ...</c>).
/// </summary>
internal static class TenantCommands
{
    public static IEnumerable<Command> Create()
    {
        var request = new SearchOptions();
        var wait = new Option<bool>("--wait") { Description = "follow the job to its end, print each update, and write its result into --out" };
        yield return Command("submit", "Submit a search job to a running platform (the same options as search); prints its id", [.. request.Request, wait],
            (p, connection, ct) => SubmitAsync(SearchSettings.Parse(p, request), p.GetValue(wait), connection, ct));
        var jobId = new Argument<string>("job-id") { Description = "the job's id (job-...), as submit printed it" };
        var from = new Option<int>("--from") { Description = "the first update to show (0: all)", DefaultValueFactory = _ => 0 };
        yield return Command("watch", "Follow a job's updates until it ends", [from], (p, c, ct) => WatchAsync(p.GetValue(jobId)!, p.GetValue(from), c, ct), jobId);
        var output = new Option<string?>("--out") { Description = "for a completed job: the folder to write its images and result.json into" };
        yield return Command("job", "Where a job stands; with --out, its result's files", [output], (p, c, ct) => JobAsync(p.GetValue(jobId)!, p.GetValue(output), c, ct), jobId);
        yield return Command("cancel", "Cancel a running job", [], async (p, c, ct) =>
        {
            using var client = c.Open();
            var r = await client.CancelAsync(p.GetValue(jobId)!, ct);
            Console.WriteLine($"{(r.Cancelling ? "cancelling" : "not running")}: {r.State}");
            return 0;
        }, jobId);
        var state = new Option<string?>("--state") { Description = $"only jobs in this state: {string.Join(", ", JobSummaryLine.States.Keys)}" };
        var pageSize = new Option<int>("--page-size") { Description = "jobs a page holds, 1 to 100 (default: the server's, 20)" };
        var pageToken = new Option<string?>("--page-token") { Description = "the page after the one that printed this token ('next page: --page-token ...')" };
        yield return Command("jobs", "Your jobs, newest first, a page at a time", [state, pageSize, pageToken],
            (p, c, ct) => JobsAsync(JobSummaryLine.State(p.GetValue(state)), p.GetValue(pageSize), p.GetValue(pageToken) ?? "", c, ct));
        yield return Command("delete", "Delete an ended job: its stored result, its state and its history (cancel a running one first)", [], async (p, c, ct) =>
        {
            using var client = c.Open();
            var r = await client.DeleteJobAsync(p.GetValue(jobId)!, ct);
            Console.WriteLine($"{(r.Deleted ? "deleted" : "already gone")}: {p.GetValue(jobId)}");
            return 0;
        }, jobId);
        yield return Command("models", "The models a platform serves, with their defaults and the verifiers that can score them", [], async (_, c, ct) =>
        {
            using var client = c.Open();
            foreach (var m in (await client.ListModelsAsync(ct)).Models)
                Console.WriteLine($"{m.Name}: {m.Conditioning} {m.Image.Channels}x{m.Image.Height}x{m.Image.Width}, {m.DefaultSampler} {m.DefaultSteps} steps, " +
                    $"guidance {m.DefaultGuidance}, verifier {m.DefaultVerifier}; can be scored by {string.Join(", ", m.Verifiers)}");
            return 0;
        });
        yield return Command("verifiers", "The verifiers a platform serves", [], async (_, c, ct) =>
        {
            using var client = c.Open();
            foreach (var v in (await client.ListVerifiersAsync(ct)).Verifiers) Console.WriteLine($"{v.Name}: {v.Description}");
            return 0;
        });
        yield return Command("usage", "Your usage against your quotas", [], async (_, c, ct) =>
        {
            using var client = c.Open();
            var u = await client.GetUsageAsync(ct);
            Console.WriteLine($"{u.Tenant}: {u.ActiveJobs} jobs running (at most {u.Quota.MaxConcurrentJobs}); charged {u.ChargedLastMinute} in the last minute " +
                $"(at most {u.Quota.NfePerMinute}), {u.ChargedToday} today (at most {u.Quota.NfePerDay}): NFE {u.NfeLastMinute} and {u.NfeToday}, " +
                $"verifier NFE-equivalents {u.VerifierNfeLastMinute} and {u.VerifierNfeToday}; {u.ReservedNfe} NFE and {u.ReservedVerifierNfe} verifier " +
                $"NFE-equivalents reserved; {u.JobsAdmitted} jobs admitted, {u.JobsRejected} refused");
            return 0;
        });
    }

    private static Command Command(string name, string description, IEnumerable<Option> options,
        Func<ParseResult, TenantConnection, CancellationToken, Task<int>> run, Argument? argument = null)
    {
        var command = ToolCommand.Create(name, description, [.. options, .. TenantConnection.Options],
            async (p, ct) =>
            {
                try { return await run(p, TenantConnection.Parse(p), ct); }
                catch (RpcException e) { throw new TenantCallException(e); }
            });
        if (argument is not null) command.Arguments.Add(argument);
        return command;
    }

    private static async Task<int> SubmitAsync(SearchSettings settings, bool wait, TenantConnection connection, CancellationToken ct)
    {
        var job = settings.Job;
        var request = new GenerateRequest
        {
            Model = settings.Model ?? CliModel.FastestName, Class = job.Class ?? "", Prompt = job.Prompt ?? "", Algorithm = job.Algorithm ?? "",
            Verifier = job.Verifier ?? "", BudgetNfe = job.BudgetNfe, Sampler = job.Sampler switch
            {
                SamplerKind.Euler => Sampler.Euler,
                SamplerKind.Heun => Sampler.Heun,
                SamplerKind.Stochastic => Sampler.Stochastic,
                _ => Sampler.Unspecified,
            },
        };
        request.ReportedVerifiers.AddRange(job.ReportedVerifiers ?? []);
        if (job.TopK is { } topK) request.TopK = topK;
        if (job.Steps is { } steps) request.Steps = steps;
        if (job.Guidance is { } guidance) request.Guidance = guidance;
        if (settings.SeedGiven && job.Seed is { } seed) request.Seed = seed;
        if (job.TargetScore is { } target) request.TargetScore = target;
        if (job.Patience is { } patience) request.Patience = patience;
        using var client = connection.Open();
        if (!wait)
        {
            var submitted = await client.SubmitAsync(request, ct);
            Console.WriteLine(submitted.JobId);
            return 0;
        }
        return await PrintAsync(client.GenerateAsync(request, ct), settings.Out);
    }

    private static async Task<int> WatchAsync(string jobId, int from, TenantConnection connection, CancellationToken ct)
    {
        using var client = connection.Open();
        return await PrintAsync(client.WatchAsync(jobId, from, ct), output: null);
    }

    private static async Task<int> JobAsync(string jobId, string? output, TenantConnection connection, CancellationToken ct)
    {
        using var client = connection.Open();
        var job = await client.GetJobAsync(jobId, ct);
        var message = job.Message.Length > 0 ? $" ({job.Message})" : "";
        Console.WriteLine($"{job.JobId}: {job.State}, {job.SpentNfe}/{job.BudgetNfe} NFE (+{job.SpentVerifierNfe} verifier NFE-equivalents), " +
            $"round {job.LastRound}, best {job.BestScore:F4}{message}");
        if (output is null) return 0;
        if (job.Result is null) throw new CliArgumentException($"--out: job {job.JobId} is {job.State}: it has no result to write");
        ResultFiles.Write(output, job.Result);
        Console.WriteLine($"wrote {output}");
        return 0;
    }

    private static async Task<int> JobsAsync(JobState state, int pageSize, string pageToken, TenantConnection connection, CancellationToken ct)
    {
        using var client = connection.Open();
        var page = await client.ListJobsAsync(state, pageSize, pageToken, ct);
        foreach (var job in page.Jobs) Console.WriteLine(JobSummaryLine.Of(job));
        if (page.NextPageToken.Length > 0) Console.WriteLine($"next page: --page-token {page.NextPageToken}");
        return 0;
    }

    /// <summary>Prints each update; a completed job's files go to <paramref name="output"/>. Exit code 0 for a result, 1 for any other end.</summary>
    private static async Task<int> PrintAsync(IAsyncEnumerable<JobUpdate> updates, string? output)
    {
        JobUpdate? last = null;
        await foreach (var update in updates)
        {
            Console.WriteLine(UpdateLine.Of(update));
            last = update;
        }
        if (last?.Result is not { } result) return 1;
        if (output is not null)
        {
            ResultFiles.Write(output, result);
            Console.WriteLine($"wrote {output}");
        }
        return 0;
    }
}
