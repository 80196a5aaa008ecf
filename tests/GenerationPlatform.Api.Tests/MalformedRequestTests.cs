using GenerationPlatform.Api.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace GenerationPlatform.Api.Tests;

/// <summary>Every malformed request gets the right status and a message that starts with the field's name.</summary>
[Collection(PlatformCollection.Name)]
public sealed class MalformedRequestTests(PlatformFixture fixture)
{
    private const StatusCode Invalid = StatusCode.InvalidArgument, Missing = StatusCode.NotFound;

    private static readonly Dictionary<string, (Action<GenerateRequest> Break, StatusCode Code, string Field)> Cases = new()
    {
        ["no model"] = (r => r.Model = "", Invalid, "model"),
        ["model too long"] = (r => r.Model = new string('m', 129), Invalid, "model"),
        ["model with a slash"] = (r => r.Model = "../etc/passwd", Invalid, "model"),
        ["unknown model"] = (r => r.Model = "no-such-model", Missing, "model"),
        ["no class"] = (r => r.Class = "", Invalid, "class"),
        ["unknown class name"] = (r => r.Class = "Spaceship", Invalid, "class"),
        ["class index 10"] = (r => r.Class = "10", Invalid, "class"),
        ["negative class index"] = (r => r.Class = "-1", Invalid, "class"),
        ["class too long"] = (r => r.Class = new string('x', 65), Invalid, "class"),
        ["unknown algorithm"] = (r => r.Algorithm = "tree", Missing, "algorithm"),
        ["algorithm with spaces"] = (r => r.Algorithm = "random search", Invalid, "algorithm"),
        ["unknown algorithm with parameters"] = (r => r.Algorithm = "tree(width=4)", Missing, "algorithm"),
        ["unknown algorithm parameter"] = (r => r.Algorithm = "paths(width=4)", Invalid, "algorithm"),
        ["algorithm parameter out of range"] = (r => r.Algorithm = "paths(backward-dt=0.1)", Invalid, "algorithm"),
        ["algorithm parameter not a number"] = (r => r.Algorithm = "particles(lambda=lots)", Invalid, "algorithm"),
        ["algorithm parameters unclosed"] = (r => r.Algorithm = "paths(renoisings=3", Invalid, "algorithm"),
        ["algorithm parameter without a value"] = (r => r.Algorithm = "paths(renoisings)", Invalid, "algorithm"),
        ["no verifier"] = (r => r.Verifier = "", Invalid, "verifier"),
        ["unknown verifier"] = (r => r.Verifier = "no-such-verifier", Missing, "verifier"),
        ["verifier with a semicolon"] = (r => r.Verifier = "mean-target;drop", Invalid, "verifier"),
        ["verifier too long"] = (r => r.Verifier = new string('v', 129), Invalid, "verifier"),
        ["ensemble of one"] = (r => r.Verifier = "ensemble(mean-target)", Invalid, "verifier"),
        ["too many reported verifiers"] = (r => r.ReportedVerifiers.Add(Enumerable.Repeat("mean-target-x", 5).Select((v, i) => v + i)), Invalid, "reported_verifiers"),
        ["empty reported verifier"] = (r => r.ReportedVerifiers.Add(""), Invalid, "reported_verifiers[0]"),
        ["repeated reported verifier"] = (r => r.ReportedVerifiers.Add(["mean-target-a", "mean-target-a"]), Invalid, "reported_verifiers[1]"),
        ["unknown reported verifier"] = (r => r.ReportedVerifiers.Add(["mean-target-a", "nope"]), Missing, "reported_verifiers[1]"),
        ["zero budget"] = (r => r.BudgetNfe = 0, Invalid, "budget_nfe"),
        ["negative budget"] = (r => r.BudgetNfe = -19, Invalid, "budget_nfe"),
        ["budget over the limit"] = (r => r.BudgetNfe = 100_001, Invalid, "budget_nfe"),
        ["budget below top_k samples"] = (r => r.BudgetNfe = 37, Invalid, "budget_nfe"),
        ["top_k 0"] = (r => r.TopK = 0, Invalid, "top_k"),
        ["top_k over the limit"] = (r => r.TopK = 17, Invalid, "top_k"),
        ["steps 0"] = (r => r.Steps = 0, Invalid, "steps"),
        ["negative steps"] = (r => r.Steps = -3, Invalid, "steps"),
        ["steps over the limit"] = (r => r.Steps = 201, Invalid, "steps"),
        ["guidance NaN"] = (r => r.Guidance = float.NaN, Invalid, "guidance"),
        ["negative guidance"] = (r => r.Guidance = -1, Invalid, "guidance"),
        ["guidance over the limit"] = (r => r.Guidance = 21, Invalid, "guidance"),
        ["eta 1"] = (r => { r.Sampler = Sampler.Stochastic; r.Eta = 1; }, Invalid, "eta"),
        ["negative eta"] = (r => { r.Sampler = Sampler.Stochastic; r.Eta = -0.1f; }, Invalid, "eta"),
        ["eta without the stochastic sampler"] = (r => r.Eta = 0.5f, Invalid, "eta"),
        ["unknown sampler"] = (r => r.Sampler = (Sampler)42, Invalid, "sampler"),
        ["negative deadline"] = (r => r.Deadline = new Duration { Seconds = -1 }, Invalid, "deadline"),
        ["zero deadline"] = (r => r.Deadline = new Duration(), Invalid, "deadline"),
        ["deadline over the limit"] = (r => r.Deadline = Duration.FromTimeSpan(TimeSpan.FromHours(2)), Invalid, "deadline"),
        ["deadline with bad nanos"] = (r => r.Deadline = new Duration { Seconds = 1, Nanos = 2_000_000_000 }, Invalid, "deadline"),
    };

    public static IEnumerable<object[]> CaseNames => Cases.Keys.Select(k => new object[] { k });

    [Fact]
    public void TheTableIsLargeEnough() => Assert.True(Cases.Count >= 25, $"{Cases.Count} cases");

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task AMalformedRequestIsRefusedNamingTheField(string name)
    {
        var (breakIt, code, field) = Cases[name];
        using var client = fixture.Client(PlatformFixture.AlphaKey);
        var request = PlatformFixture.Request();
        breakIt(request);
        var submit = await Assert.ThrowsAsync<RpcException>(() => client.SubmitAsync(request));
        Assert.Equal(code, submit.StatusCode);
        Assert.StartsWith(field + ":", submit.Status.Detail);
        // Generate checks the same way, before any update.
        var generate = await Assert.ThrowsAsync<RpcException>(async () => { await foreach (var _ in client.GenerateAsync(request)) { } });
        Assert.Equal((code, submit.Status.Detail), (generate.StatusCode, generate.Status.Detail));
    }

    [Theory]
    [InlineData("", "job_id")]
    [InlineData("job-123", "job_id")]
    [InlineData("job-0123456789ABCDEF0123456789ABCDEF01234567", "job_id")]
    [InlineData("../alpha/job-0123456789abcdef0123456789abcde", "job_id")]
    public async Task AMalformedJobIdIsInvalid(string jobId, string field)
    {
        using var client = fixture.Client(PlatformFixture.AlphaKey);
        foreach (var call in new Func<Task>[]
                 {
                     () => client.GetJobAsync(jobId),
                     () => client.CancelAsync(jobId),
                     async () => { await foreach (var _ in client.WatchAsync(jobId)) { } },
                 })
        {
            var e = await Assert.ThrowsAsync<RpcException>(call);
            Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
            Assert.StartsWith(field + ":", e.Status.Detail);
        }
    }

    [Fact]
    public async Task ANegativeWatchIndexIsInvalid()
    {
        using var client = fixture.Client(PlatformFixture.AlphaKey);
        var e = await Assert.ThrowsAsync<RpcException>(async () => { await foreach (var _ in client.WatchAsync(GenerationPlatform.Api.JobIds.Unissued(), -1)) { } });
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.StartsWith("from_index:", e.Status.Detail);
    }
}
