using System.CommandLine;
using GenerationPlatform.Tools;

namespace GenerationPlatform.Bench.LoadTest;

/// <summary>
/// loadtest's options, read and checked: the jobs and how the flood shares them, concurrency, each job's size and model,
/// the time limit, and the platform: embedded (its own tenants and quota) or at an address (with the tenants' keys).
/// </summary>
internal sealed record LoadTestSettings(int Jobs, double FloodShare, int FloodConcurrency, int LightConcurrency, long Budget, int Steps, TimeSpan RetryAfter, string Model,
    string Verifier, TimeSpan TimeLimit, int EmbeddedTenants, int MaxConcurrentJobs, Uri? Address, IReadOnlyList<(string Name, string Key)> Tenants,
    int HostileConcurrency = 16)
{
    private static readonly Option<string?> address = new("--address") { Description = "gRPC address of a running platform, e.g. http://127.0.0.1:5080 (with --tenant)" };
    private static readonly Option<bool> embedded = new("--embedded") { Description = "start an embedded platform in this process, with dev tenants of its own" };
    private static readonly Option<string[]> tenantKeys = new("--tenant") { Description = "name:key, repeatable, with --address: the first one floods, the others are light" };
    private static readonly Option<int> jobs = new("--jobs") { Description = "jobs of the flood phase, all tenants together", DefaultValueFactory = _ => 200 };
    private static readonly Option<int> tenants = new("--tenants") { Description = "tenants with --embedded (one floods)", DefaultValueFactory = _ => 5 };
    private static readonly Option<double> floodShare = new("--flood-share") { Description = "share of --jobs that the flooding tenant submits", DefaultValueFactory = _ => 0.6 };
    private static readonly Option<int> floodConcurrency = new("--flood-concurrency") { Description = "the flooding tenant's requests in flight", DefaultValueFactory = _ => 32 };
    private static readonly Option<int> lightConcurrency = new("--light-concurrency") { Description = "each light tenant's requests in flight", DefaultValueFactory = _ => 2 };
    private static readonly Option<long> budget = new("--budget") { Description = "NFE budget of each job", DefaultValueFactory = _ => 16 };
    private static readonly Option<int> steps = new("--steps") { Description = "Euler steps per sample", DefaultValueFactory = _ => 4 };
    private static readonly Option<int> quota = new("--max-concurrent-jobs")
    {
        Description = "with --embedded: every tenant's concurrent-jobs quota", DefaultValueFactory = _ => 4,
    };
    private static readonly Option<int> retryAfter = new("--retry-ms") { Description = "wait before resubmitting a job rejected by quota", DefaultValueFactory = _ => 200 };
    private static readonly Option<double> timeLimit = new("--time-limit")
    {
        Description = "seconds for both phases together; jobs not ended by then are reported", DefaultValueFactory = _ => 600,
    };
    private static readonly Option<int> hostileConcurrency = new("--hostile-concurrency")
    {
        Description = "the hostile tenant's loops in the third phase (random-id calls and refused submits, no pause)", DefaultValueFactory = _ => 16,
    };
    private static readonly Option<string> model = new("--model") { Description = "model of every job", DefaultValueFactory = _ => "velocity-unet" };
    private static readonly Option<string> verifier = new("--verifier") { Description = "verifier of every job", DefaultValueFactory = _ => "classifier" };

    public static IReadOnlyList<Option> Options { get; } =
        [address, embedded, tenantKeys, jobs, tenants, floodShare, floodConcurrency, lightConcurrency, budget, steps, quota, retryAfter, timeLimit, model, verifier,
            hostileConcurrency];

    public bool Embedded => Address is null;

    public static LoadTestSettings Parse(ParseResult p)
    {
        int jobCount = CliParsing.Positive(p.GetValue(jobs), "--jobs");
        double share = CliParsing.InRange(p.GetValue(floodShare), "--flood-share", 0, 0.95);
        int flood = CliParsing.Positive(p.GetValue(floodConcurrency), "--flood-concurrency");
        int light = CliParsing.Positive(p.GetValue(lightConcurrency), "--light-concurrency");
        long nfe = p.GetValue(budget) > 0 ? p.GetValue(budget) : throw new CliArgumentException("--budget must be greater than 0");
        int stepCount = CliParsing.Positive(p.GetValue(steps), "--steps");
        var retry = TimeSpan.FromMilliseconds(CliParsing.Positive(p.GetValue(retryAfter), "--retry-ms"));
        var limit = TimeSpan.FromSeconds(CliParsing.InRange(p.GetValue(timeLimit), "--time-limit", 1, 86_400));
        bool isEmbedded = p.GetValue(embedded);
        var given = p.GetValue(tenantKeys) ?? [];
        if (isEmbedded == (p.GetValue(address) is not null)) throw new CliArgumentException("loadtest: give either --embedded or --address");
        if (isEmbedded && given.Length > 0) throw new CliArgumentException("--tenant is for --address; --embedded creates its own tenants");
        int hostile = p.GetValue(hostileConcurrency) is var h and >= 1 and <= 256 ? h : throw new CliArgumentException("--hostile-concurrency must be between 1 and 256");
        var settings = new LoadTestSettings(jobCount, share, flood, light, nfe, stepCount, retry, p.GetValue(model)!, p.GetValue(verifier)!, limit, 0, 0, null, [],
            hostile);
        if (isEmbedded)
        {
            int count = p.GetValue(tenants) is var n and >= 2 and <= 64 ? n : throw new CliArgumentException("--tenants must be between 2 and 64");
            return settings with { EmbeddedTenants = count, MaxConcurrentJobs = CliParsing.Positive(p.GetValue(quota), "--max-concurrent-jobs") };
        }
        if (given.Length < 2) throw new CliArgumentException("--address needs at least two --tenant name:key (the first floods)");
        var keys = given.Select(TenantKey).ToList();
        var target = Uri.TryCreate(p.GetValue(address), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri : throw new CliArgumentException($"--address must be an http:// or https:// URI (got '{p.GetValue(address)}')");
        return settings with { Address = target, Tenants = keys };
    }

    private static (string Name, string Key) TenantKey(string pair)
    {
        int colon = pair.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && colon < pair.Length - 1 ? (pair[..colon], pair[(colon + 1)..]) : throw new CliArgumentException($"--tenant: expected name:key (got '{pair}')");
    }
}
