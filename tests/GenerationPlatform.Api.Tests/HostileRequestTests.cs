using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using GenerationPlatform.Api.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace GenerationPlatform.Api.Tests;

/// <summary>
/// What a hostile tenant (or anyone who reaches the port) sends, through real gRPC and raw HTTP/2 over
/// loopback, each with the exact status it must get: garbage and truncated bytes with and without a key,
/// bad frames, a gzip bomb, foreign authorities and spoofed Host headers, oversized and repeated
/// metadata, odd numbers, odd algorithm parameters, case- and space-variants of verifier names, Watch
/// floods. The last test (<see cref="AfterTheSuiteAttribute"/>) checks an ordinary job still completes.
/// </summary>
[Collection(PlatformCollection.Name)]
[TestCaseOrderer(HostileSuiteOrder.TypeName, HostileSuiteOrder.AssemblyName)]
public sealed class HostileRequestTests(PlatformFixture fixture)
{
    private const string Service = "/generation.v1.GenerationService/";
    private const StatusCode Ok = StatusCode.OK, Invalid = StatusCode.InvalidArgument, Missing = StatusCode.NotFound;

    /// <summary>A verifier no catalogue serves: an algorithm spec the edge failed to refuse gets NOT_FOUND on it instead of starting a job.</summary>
    private const string Unserved = "unserved-verifier";

    /// <summary>What a call ended with: its status and message, and whether the client's transport made them up (the server sent none).</summary>
    public sealed record Outcome(StatusCode Status, string Detail, bool ByTransport = false);

    /// <summary>A case: what it sends, the status it must get, and the start of the message when that names a field.</summary>
    private sealed record HostileCase(Func<PlatformFixture, Task<Outcome>> Send, StatusCode Expected, string? DetailStart = null);

    /// <summary>A protobuf-level wreck of every request type: a varint tag of 11 bytes (at most 10 are valid).</summary>
    private static readonly byte[] BadVarint = Enumerable.Repeat((byte)0xFF, 11).ToArray();

    private static readonly (string Rpc, string Request)[] Rpcs =
    [
        ("Generate", "GenerateRequest"), ("Submit", "GenerateRequest"), ("Watch", "WatchRequest"), ("GetJob", "GetJobRequest"),
        ("Cancel", "CancelRequest"), ("ListModels", "ListModelsRequest"), ("ListVerifiers", "ListVerifiersRequest"), ("GetUsage", "GetUsageRequest"),
    ];

    private static readonly Dictionary<string, HostileCase> Cases = BuildCases();

    private static Dictionary<string, HostileCase> BuildCases()
    {
        var cases = new Dictionary<string, HostileCase>();

        // Undecodable bodies: read before authentication, so a key changes nothing; never UNKNOWN.
        foreach (var (rpc, type) in Rpcs)
        {
            cases[$"garbage {rpc}, no key"] = new(f => Raw(f, rpc, Frame(BadVarint)), Invalid, $"request: not a valid {type}");
            cases[$"garbage {rpc}, with a key"] = new(f => Raw(f, rpc, Frame(BadVarint), PlatformFixture.AlphaKey), Invalid, $"request: not a valid {type}");
        }
        var valid = PlatformFixture.Request().ToByteArray();
        cases["truncated GenerateRequest (inside model)"] = new(f => Raw(f, "Submit", Frame(valid[..5]), PlatformFixture.AlphaKey),
            Invalid, "request: not a valid GenerateRequest");
        cases["truncated GenerateRequest (last field cut)"] = new(f => Raw(f, "Generate", Frame(valid[..^1]), PlatformFixture.AlphaKey),
            Invalid, "request: not a valid GenerateRequest");
        cases["truncated GetJobRequest"] = new(f => Raw(f, "GetJob", Frame(new GetJobRequest { JobId = NewJobId() }.ToByteArray()[..10]), PlatformFixture.AlphaKey),
            Invalid, "request: not a valid GetJobRequest");
        cases["tag zero"] = new(f => Raw(f, "GetJob", Frame([0x00]), PlatformFixture.AlphaKey), Invalid, "request: not a valid GetJobRequest");
        // The standard health service has no key and no marshallers of ours: its message is checked for the wire format.
        cases["garbage to health Check"] = new(f => Raw(f, "/grpc.health.v1.Health/Check", Frame(BadVarint)), Invalid, "request: not a protobuf message");
        cases["garbage to health Watch"] = new(f => Raw(f, "/grpc.health.v1.Health/Watch", Frame(BadVarint)), Invalid, "request: not a protobuf message");
        cases["truncated HealthCheckRequest"] = new(f => Raw(f, "/grpc.health.v1.Health/Check", Frame([0x0A, 0x05, 0x61])), Invalid, "request: not a protobuf message");
        cases["health Check answers"] = new(f => Raw(f, "/grpc.health.v1.Health/Check", Frame([])), Ok);
        // Reflection reads inside its bidirectional stream: bound with the same strict marshallers.
        cases["garbage to reflection v1alpha"] = new(f => Raw(f, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", Frame(BadVarint)),
            Invalid, "request: not a valid ServerReflectionRequest");
        cases["garbage to reflection v1"] = new(f => Raw(f, "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo", Frame(BadVarint)),
            Invalid, "request: not a valid ServerReflectionRequest");
        cases["wire type 7"] = new(f => Raw(f, "Cancel", Frame([0x0F, 0x01]), PlatformFixture.AlphaKey), Invalid, "request: not a valid CancelRequest");

        // gRPC framing: the framework's own answers, before our code runs.
        cases["frame longer than its body"] = new(f => Raw(f, "GetJob", [0, 0, 0, 3, 0xE8, 1, 2, 3], PlatformFixture.AlphaKey), StatusCode.Internal, "Incomplete message.");
        cases["no frame at all"] = new(f => Raw(f, "ListModels", [], PlatformFixture.AlphaKey), StatusCode.Internal, "Incomplete message.");
        cases["two messages to a unary call"] = new(f => Raw(f, "ListModels", [.. Frame([]), .. Frame([])], PlatformFixture.AlphaKey), StatusCode.Internal);
        cases["frame over the size limit, no key"] = new(f => Raw(f, "Submit", Frame(new byte[100_000])), StatusCode.ResourceExhausted);
        cases["frame length 4 GiB, no key"] = new(f => Raw(f, "Submit", [0, 0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3]), StatusCode.ResourceExhausted, "request:");
        cases["frame length 2 GiB, with a key"] = new(f => Raw(f, "GetJob", [0, 0x80, 0, 0, 0, 1, 2, 3], PlatformFixture.AlphaKey), StatusCode.ResourceExhausted, "request:");
        cases["compression flag 2"] = new(f => Raw(f, "GetJob", [2, 0, 0, 0, 1, 0x0A], PlatformFixture.AlphaKey), Invalid, "request: not a gRPC message");
        cases["compression flag 255 to a stream"] = new(f => Raw(f, "Watch", [0xFF, 0, 0, 0, 0]), Invalid, "request: not a gRPC message");

        // Compression: capped after decompression, before authentication.
        cases["gzip bomb to Submit, no key"] = new(f => Raw(f, "Submit", Frame(GzipBomb.Value, compressed: true), encoding: "gzip"),
            StatusCode.ResourceExhausted, "request: over 65536 bytes once decompressed");
        cases["gzip bomb to Submit, with a key"] = new(f => Raw(f, "Submit", Frame(GzipBomb.Value, compressed: true), PlatformFixture.AlphaKey, encoding: "gzip"),
            StatusCode.ResourceExhausted, "request: over 65536 bytes once decompressed");
        cases["gzip bomb to GetJob"] = new(f => Raw(f, "GetJob", Frame(GzipBomb.Value, compressed: true), PlatformFixture.AlphaKey, encoding: "gzip"),
            StatusCode.ResourceExhausted, "request: over 65536 bytes once decompressed");
        cases["corrupt gzip"] = new(
            f => Raw(f, "GetJob", Frame([0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3, 0xFF, 0xFF, 0xFF], compressed: true), PlatformFixture.AlphaKey, encoding: "gzip"),
            Invalid, "request: not valid gzip data");
        cases["deflate, which is not offered"] = new(f => Raw(f, "ListModels", Frame(Deflate([]), compressed: true), PlatformFixture.AlphaKey, encoding: "deflate"),
            StatusCode.Unimplemented);
        cases["compressed flag without grpc-encoding"] = new(f => Raw(f, "ListModels", Frame(Gzip([]), compressed: true), PlatformFixture.AlphaKey), StatusCode.Internal);
        cases["a small gzip request is served"] = new(
            f => Raw(f, "ListModels", Frame(Gzip(new ListModelsRequest().ToByteArray()), compressed: true), PlatformFixture.AlphaKey, encoding: "gzip"), Ok);

        // Metadata: oversized headers are refused cleanly, repeated or odd authorization is not guessed at.
        // Kestrel refuses request headers over its limits (32 KiB in all by default, or one field its HPACK decoder will not
        // take) by closing the connection (PROTOCOL_ERROR, COMPRESSION_ERROR), which the gRPC spec maps to INTERNAL: the
        // caller loses its own connection, nobody else's.
        cases["64 KiB metadata value"] = new(f => Typed(f, new Metadata { { "x-padding", new string('p', 64 * 1024) } }), StatusCode.Internal);
        cases["1000 metadata entries"] = new(f => Typed(f, [.. Enumerable.Range(0, 1000).Select(i => new Metadata.Entry($"x-pad-{i}", new string('p', 40)))]),
            StatusCode.Internal);
        cases["40 KiB binary metadata"] = new(f => Typed(f, new Metadata { { "x-blob-bin", new byte[40 * 1024] } }), StatusCode.Internal);
        cases["just under the limits is served"] = new(f => Typed(f, new Metadata { { "x-padding", new string('p', 8 * 1024) } }), Ok);
        cases["8 KiB authorization"] = new(f => Raw(f, "ListModels", Frame([]), headers: [("authorization", "Bearer " + new string('k', 8 * 1024))]),
            StatusCode.Unauthenticated, "authorization:");
        cases["the same key twice"] = new(
            f => Raw(f, "ListModels", Frame([]), headers: [("authorization", Bearer(PlatformFixture.AlphaKey)), ("authorization", Bearer(PlatformFixture.AlphaKey))]),
            StatusCode.Unauthenticated, "authorization:");
        cases["a key and garbage"] = new(f => Raw(f, "ListModels", Frame([]), headers: [("authorization", Bearer(PlatformFixture.AlphaKey)), ("authorization", "Bearer nope")]),
            StatusCode.Unauthenticated, "authorization:");
        cases["two keys in one header"] = new(
            f => Raw(f, "ListModels", Frame([]), headers: [("authorization", $"{Bearer(PlatformFixture.AlphaKey)},{Bearer(PlatformFixture.BetaKey)}")]),
            StatusCode.Unauthenticated, "authorization:");
        cases["Bearer without a key"] = new(f => Raw(f, "ListModels", Frame([]), headers: [("authorization", "Bearer")]), StatusCode.Unauthenticated, "authorization:");
        cases["Bearer and spaces"] = new(f => Raw(f, "ListModels", Frame([]), headers: [("authorization", "Bearer      ")]), StatusCode.Unauthenticated, "authorization:");
        cases["Basic scheme"] = new(f => Raw(f, "GetUsage", Frame([]), headers: [("authorization", $"Basic {PlatformFixture.AlphaKey}")]),
            StatusCode.Unauthenticated, "authorization:");
        cases["lower-case scheme is the same scheme"] = new(f => Raw(f, "GetUsage", Frame([]), headers: [("authorization", $"bearer {PlatformFixture.AlphaKey}")]), Ok);

        // Numbers a request controls: NaN, infinities, extremes.
        cases["guidance +Infinity"] = Submit(r => r.Guidance = float.PositiveInfinity, Invalid, "guidance");
        cases["guidance -Infinity"] = Submit(r => r.Guidance = float.NegativeInfinity, Invalid, "guidance");
        cases["guidance 1e30"] = Submit(r => r.Guidance = 1e30f, Invalid, "guidance");
        cases["eta NaN"] = Submit(r => { r.Sampler = Sampler.Stochastic; r.Eta = float.NaN; }, Invalid, "eta");
        cases["eta +Infinity"] = Submit(r => { r.Sampler = Sampler.Stochastic; r.Eta = float.PositiveInfinity; }, Invalid, "eta");
        cases["budget long.MaxValue"] = Submit(r => r.BudgetNfe = long.MaxValue, Invalid, "budget_nfe");
        cases["budget long.MinValue"] = Submit(r => r.BudgetNfe = long.MinValue, Invalid, "budget_nfe");
        cases["top_k int.MaxValue"] = Submit(r => r.TopK = int.MaxValue, Invalid, "top_k");
        cases["top_k int.MinValue"] = Submit(r => r.TopK = int.MinValue, Invalid, "top_k");
        cases["steps int.MaxValue"] = Submit(r => r.Steps = int.MaxValue, Invalid, "steps");
        cases["steps int.MinValue"] = Submit(r => r.Steps = int.MinValue, Invalid, "steps");
        cases["deadline long.MaxValue s"] = Submit(r => r.Deadline = new Duration { Seconds = long.MaxValue }, Invalid, "deadline");
        cases["deadline long.MinValue s"] = Submit(r => r.Deadline = new Duration { Seconds = long.MinValue }, Invalid, "deadline");
        cases["deadline int.MinValue ns"] = Submit(r => r.Deadline = new Duration { Seconds = 1, Nanos = int.MinValue }, Invalid, "deadline");
        cases["sampler int.MinValue"] = Submit(r => r.Sampler = (Sampler)int.MinValue, Invalid, "sampler");
        cases["class 2147483648"] = Submit(r => r.Class = "2147483648", Invalid, "class");
        cases["seed ulong.MaxValue is a seed"] = Submit(r => r.Seed = ulong.MaxValue, Ok);
        cases["from_index int.MaxValue"] = new(f => Watch(f, NewJobId(), int.MaxValue), Invalid, "from_index");
        cases["from_index int.MinValue"] = new(f => Watch(f, NewJobId(), int.MinValue), Invalid, "from_index");

        // Algorithm parameters: bounded, finite, and cheap to plan; the field is always `algorithm`.
        foreach (var spec in new[]
                 {
                     "paths(forward-dt=0.15,backward-dt=0.15000000000000002)", "paths(forward-dt=0.5,backward-dt=0.5000000000000001)",
                     "paths(steps-per-backward=1073741824)", "paths(paths=3,renoisings=1431655766)", "paths(t-start=NaN)", "paths(forward-dt=Infinity)",
                     "random(candidates-per-round=100000)", "random(candidates-per-round=-1)", "particles(eta=NaN)", "particles(lambda=Infinity)",
                     "particles(particles=2147483648)", "pruned(keep=NaN)", "pruned(candidates=0)", "zero-order(cosine=Infinity)", "zero-order(neighbours=1e9)",
                 })
            cases[$"algorithm {spec}"] = Submit(r => { r.Algorithm = spec; r.Verifier = Unserved; }, Invalid, "algorithm");

        // Verifier names: one spelling at the edge; duplicates after it refused; unknown names NOT_FOUND; onnx:NAME served.
        cases["verifier in capitals"] = Submit(r => r.Verifier = "MEAN-TARGET", Ok);
        cases["verifier padded with spaces"] = Submit(r => r.Verifier = "  mean-target\t", Ok);
        cases["verifier with a space inside"] = Submit(r => r.Verifier = "mean -target", Invalid, "verifier");
        cases["verifier with a NUL"] = Submit(r => r.Verifier = "mean-target\0", Invalid, "verifier");
        cases["reported verifiers differing in case"] = Submit(r => r.ReportedVerifiers.Add(["mean-target-a", "Mean-Target-A"]), Invalid, "reported_verifiers[1]");
        cases["reported verifiers differing in spaces"] = Submit(r => r.ReportedVerifiers.Add([" mean-target-a", "mean-target-a "]), Invalid, "reported_verifiers[1]");
        cases["ensemble with a member twice"] = Submit(r => r.Verifier = "ensemble(mean-target,mean-target)", Invalid, "verifier");
        cases["ensemble with a member twice, case apart"] = Submit(r => r.Verifier = "ensemble(mean-target, MEAN-TARGET )", Invalid, "verifier");
        cases["ensemble of ensembles with one twice"] = Submit(r => r.Verifier = "ensemble(ensemble(mean-target-a,mean-target-b),Ensemble(Mean-Target-A,mean-target-b))",
            Invalid, "verifier");
        cases["ensembles five deep"] = Submit(r => r.Verifier = Nest(5), Invalid, "verifier");
        cases["ensemble()"] = Submit(r => r.Verifier = "ensemble()", Invalid, "verifier");
        cases["ensemble left open"] = Submit(r => r.Verifier = "ensemble(mean-target,mean-target-b", Invalid, "verifier");
        cases["members on a base verifier"] = Submit(r => r.Verifier = "mean-target(mean-target-b,mean-target-c)", Invalid, "verifier");
        cases["ensemble in odd case and spacing"] = Submit(r => r.Verifier = " Ensemble( Mean-Target , ensemble(mean-target-a,MEAN-TARGET-B) )", Ok);
        cases["ensembles four deep"] = Submit(r => r.Verifier = Nest(4), Ok);
        cases["unknown verifier"] = Submit(r => r.Verifier = "no-such-verifier", Missing, "verifier");
        cases["ensemble with an unknown member"] = Submit(r => r.Verifier = "ensemble(mean-target,no-such-verifier)", Missing, "verifier");
        cases["unknown reported verifier"] = Submit(r => r.ReportedVerifiers.Add("No-Such-Verifier"), Missing, "reported_verifiers[0]");
        cases["unknown model"] = Submit(r => r.Model = "no-such-model", Missing, "model");
        cases["registered onnx verifier"] = Submit(r => r.Verifier = "onnx:bright", Ok);
        cases["registered onnx verifier, as configured"] = Submit(r => r.Verifier = $"ONNX:{PlatformFixture.OnnxName}", Ok);
        cases["onnx verifier in an ensemble"] = Submit(r => r.Verifier = "ensemble(onnx:bright,mean-target)", Ok);
        cases["unregistered onnx verifier"] = Submit(r => r.Verifier = "onnx:nope", Missing, "verifier");
        cases["onnx: with no name"] = Submit(r => r.Verifier = "onnx:", Missing, "verifier");
        return cases;
    }

    public static IEnumerable<object[]> CaseNames => Cases.Keys.Select(k => new object[] { k });

    [Fact]
    public void TheSuiteIsLargeEnough() => Assert.True(Cases.Count >= 60, $"{Cases.Count} cases");

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task AHostileRequestGetsExactlyItsStatus(string name)
    {
        var hostile = Cases[name];
        var outcome = await hostile.Send(fixture);
        Assert.True(hostile.Expected == outcome.Status, $"{name}: expected {hostile.Expected}, got {outcome.Status} '{outcome.Detail}'");
        if (hostile.DetailStart is { } start) Assert.StartsWith(start, outcome.Detail);
        // Whatever went wrong, the server's message is ours: no exception text, stack trace or server path.
        if (!outcome.ByTransport)
        {
            Assert.DoesNotContain("Exception", outcome.Detail);
            Assert.DoesNotContain(fixture.ResultsFolder, outcome.Detail);
        }
    }

    [Fact]
    public async Task AFloodOfUndecodableRequestsWritesNoLogLinePerRequest()
    {
        int before = fixture.Logs.Entries.Count;
        var sent = new List<Task<Outcome>>();
        for (int i = 0; i < 200; i++)
        {
            var (rpc, _) = Rpcs[i % Rpcs.Length];
            sent.Add(Raw(fixture, rpc, i % 3 == 0 ? Frame(BadVarint) : i % 3 == 1 ? [2, 0, 0, 0, 0] : Frame(GzipBomb.Value, compressed: true),
                i % 2 == 0 ? null : PlatformFixture.AlphaKey, encoding: i % 3 == 2 ? "gzip" : null));
        }
        Assert.All(await Task.WhenAll(sent), o => Assert.Contains(o.Status, new[] { Invalid, StatusCode.ResourceExhausted }));
        // At most the once-a-minute summary (RefusedRequestReporter), never an entry per request or an exception's trace.
        // Entries about another service's call (a reflection stream of an earlier test, aborted when its connection closed)
        // are not the flood's: the flood calls GenerationService only.
        var logged = fixture.Logs.Entries.Skip(before).Where(e => !AboutAnotherMethod(e.Message)).ToArray();
        Assert.True(logged.Length <= 1, string.Join("\n", logged.Select(e => $"{e.Level} {e.Category}: {e.Message}")));
        Assert.All(logged, e => Assert.Null(e.Exception));
    }

    private static bool AboutAnotherMethod(string message) =>
        System.Text.RegularExpressions.Regex.Match(message, @"service method '([^']+)'") is { Success: true } m && !Rpcs.Any(r => r.Rpc == m.Groups[1].Value);

    [Fact]
    public async Task AForeignAuthorityIsServed()
    {
        using var channel = GrpcChannel.ForAddress(fixture.GrpcAddress, new GrpcChannelOptions
        {
            HttpHandler = new AuthorityHandler("public.example.com:443", new SocketsHttpHandler()),
        });
        var api = new GenerationService.GenerationServiceClient(channel);
        var key = new Metadata { { "authorization", Bearer(PlatformFixture.AlphaKey) } };
        Assert.Contains(PlatformFixture.Model, (await api.ListModelsAsync(new ListModelsRequest(), key)).Models.Select(m => m.Name));
        Assert.Equal("alpha", (await api.GetUsageAsync(new GetUsageRequest(), key)).Tenant);
        var submitted = await api.SubmitAsync(PlatformFixture.Request(seed: 404), key);
        Assert.StartsWith("job-", submitted.JobId);
        var health = new Grpc.Health.V1.Health.HealthClient(channel);
        Assert.Equal(Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new Grpc.Health.V1.HealthCheckRequest())).Status);

        // And the HTTP port answers whatever Host its client names.
        using var http = new HttpClient();
        foreach (var path in new[] { "/healthz/ready", "/metrics" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(fixture.HttpAddress, path));
            request.Headers.Host = "public.example.com";
            Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(request)).StatusCode);
        }
    }

    [Theory]
    [InlineData("/metrics")]
    [InlineData("/healthz/ready")]
    [InlineData("/healthz/live")]
    public async Task TheHttpPortsEndpointsAreNotOnTheGrpcPortWhateverTheHostHeader(string path)
    {
        using var http = new HttpClient(new SocketsHttpHandler());
        foreach (var host in new[] { $"x:{fixture.HttpAddress.Port}", $"127.0.0.1:{fixture.HttpAddress.Port}", fixture.HttpAddress.Authority })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(fixture.GrpcAddress, path))
            {
                Version = HttpVersion.Version20,
                VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            };
            request.Headers.Host = host;
            using var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        }
    }

    [Fact]
    public async Task CanonicalVerifierNamesReachTheJobItsScoresAndItsResult()
    {
        using var client = fixture.Client(PlatformFixture.AlphaKey);
        var request = PlatformFixture.Request(seed: 77);
        request.Verifier = " Ensemble( Mean-Target , ONNX:Bright ) ";
        request.ReportedVerifiers.Add("MEAN-TARGET-B");
        var end = await client.GenerateToEndAsync(request);
        Assert.Equal(JobUpdate.UpdateOneofCase.Result, end.UpdateCase);
        Assert.Equal("ensemble(mean-target,onnx:bright)", end.Result.Verifier);
        Assert.All(end.Result.Images, image => Assert.Equal(
            ["ensemble(mean-target,onnx:bright)", "mean-target-b"], image.ScoresByVerifier.Keys.Order(StringComparer.Ordinal)));
        Assert.Contains((await client.ListVerifiersAsync()).Verifiers, v => v.Name == "onnx:bright");
    }

    [Fact]
    public async Task AWatchFloodOverTheTenantsCapIsResourceExhaustedAndSparesOtherTenants()
    {
        using var watcher = fixture.Client(PlatformFixture.WatcherKey);
        var job = await watcher.SubmitAsync(PlatformFixture.Request(PlatformFixture.SlowModel, budget: 19 * 2000, seed: 1600));
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var open = new List<IAsyncEnumerator<JobUpdate>>();
        try
        {
            for (int i = 0; i < 16; i++)
            {
                var stream = watcher.WatchAsync(job.JobId, cancellationToken: stop.Token).GetAsyncEnumerator(stop.Token);
                open.Add(stream);
                Assert.True(await stream.MoveNextAsync()); // the accepted update: the server holds the stream
            }
            var flood = await Assert.ThrowsAsync<RpcException>(async () => { await foreach (var _ in watcher.WatchAsync(job.JobId, cancellationToken: stop.Token)) { } });
            Assert.Equal(StatusCode.ResourceExhausted, flood.StatusCode);
            Assert.StartsWith("watch:", flood.Status.Detail);

            // Another tenant watches its own job meanwhile.
            using var beta = fixture.Client(PlatformFixture.BetaKey);
            var own = await beta.SubmitAsync(PlatformFixture.Request(seed: 1601));
            Assert.Equal(JobUpdate.UpdateOneofCase.Result, (await LastAsync(beta.WatchAsync(own.JobId, cancellationToken: stop.Token))).UpdateCase);

            // A stream closed gives its slot back.
            await open[0].DisposeAsync();
            open.RemoveAt(0);
            await WaitUntilAsync(async () =>
            {
                var again = watcher.WatchAsync(job.JobId, cancellationToken: stop.Token).GetAsyncEnumerator(stop.Token);
                try
                {
                    if (!await again.MoveNextAsync()) return false;
                    open.Add(again);
                    return true;
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.ResourceExhausted)
                {
                    await again.DisposeAsync();
                    return false;
                }
            });
        }
        finally
        {
            await watcher.CancelAsync(job.JobId);
            foreach (var stream in open) await stream.DisposeAsync();
        }
    }

    [Fact]
    public async Task HammeringGetJobOnACompletedJobReadsTheStoreOnce()
    {
        using var client = fixture.Client(PlatformFixture.AlphaKey);
        var end = await client.GenerateToEndAsync(PlatformFixture.Request(seed: 4242));
        long before = fixture.StoreReads;
        var first = await client.GetJobAsync(end.JobId);
        for (int i = 0; i < 20; i++) Assert.Equal(first, await client.GetJobAsync(end.JobId));
        Assert.Equal(end, await LastAsync(client.WatchAsync(end.JobId)));
        // Generate sent the result once (the store's first read, now cached): nothing since.
        Assert.Equal(0, fixture.StoreReads - before);
        Assert.Equal(end.Result.Images.Select(i => i.Png), first.Result.Images.Select(i => i.Png));
    }

    [Fact]
    [AfterTheSuite]
    public async Task AfterTheSuiteAnOrdinaryJobStillCompletes()
    {
        using var client = fixture.Client(PlatformFixture.AlphaKey);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var end = await client.GenerateToEndAsync(PlatformFixture.Request(seed: 60), timeout.Token);
        Assert.Equal(JobUpdate.UpdateOneofCase.Result, end.UpdateCase);
        Assert.Equal(2, end.Result.Images.Count);
        Assert.Equal(JobState.Completed, (await client.GetJobAsync(end.JobId, timeout.Token)).State);
        using var health = new HttpClient();
        Assert.Equal("Healthy", await health.GetStringAsync(new Uri(fixture.HttpAddress, "/healthz/ready"), timeout.Token));
    }

    // ---- what the cases send

    private static HostileCase Submit(Action<GenerateRequest> change, StatusCode expected, string? field = null) => new(async f =>
    {
        using var client = f.Client(PlatformFixture.AlphaKey);
        var request = PlatformFixture.Request();
        change(request);
        try
        {
            await client.SubmitAsync(request);
            return new(StatusCode.OK, "");
        }
        catch (RpcException e)
        {
            return new(e.StatusCode, e.Status.Detail);
        }
    }, expected, field is null ? null : field + ":");

    /// <summary>ListModels as alpha through a gRPC client of its own (a refused connection is nobody else's), with more metadata.</summary>
    private static async Task<Outcome> Typed(PlatformFixture f, Metadata metadata)
    {
        using var channel = GrpcChannel.ForAddress(f.GrpcAddress);
        metadata.Add("authorization", Bearer(PlatformFixture.AlphaKey));
        try
        {
            await new GenerationService.GenerationServiceClient(channel).ListModelsAsync(new ListModelsRequest(), metadata);
            return new(StatusCode.OK, "");
        }
        catch (RpcException e)
        {
            // The client library keeps the transport's exception of a call that got no status from the server.
            return new(e.StatusCode, e.Status.Detail, ByTransport: e.Status.DebugException is not null);
        }
    }

    private static async Task<Outcome> Watch(PlatformFixture f, string jobId, int fromIndex)
    {
        using var client = f.Client(PlatformFixture.AlphaKey);
        try
        {
            await foreach (var _ in client.WatchAsync(jobId, fromIndex)) { }
            return new(StatusCode.OK, "");
        }
        catch (RpcException e)
        {
            return new(e.StatusCode, e.Status.Detail);
        }
    }

    /// <summary>One call as raw HTTP/2 (h2c, prior knowledge): the status from the trailers (or the headers of a trailers-only answer).</summary>
    private static async Task<Outcome> Raw(PlatformFixture f, string rpc, byte[] body, string? key = null, string? encoding = null, (string Name, string Value)[]? headers = null)
    {
        using var http = new HttpClient(new SocketsHttpHandler());
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(f.GrpcAddress, rpc.StartsWith('/') ? rpc : Service + rpc))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");
        if (key is not null) request.Headers.TryAddWithoutValidation("authorization", Bearer(key));
        if (encoding is not null) request.Headers.TryAddWithoutValidation("grpc-encoding", encoding);
        foreach (var (name, value) in headers ?? []) request.Headers.TryAddWithoutValidation(name, value);
        using var response = await http.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        var status = Header(response, "grpc-status")
            ?? throw new XunitException($"{rpc}: HTTP {(int)response.StatusCode} without a grpc-status");
        return new((StatusCode)int.Parse(status, System.Globalization.CultureInfo.InvariantCulture), Uri.UnescapeDataString(Header(response, "grpc-message") ?? ""));
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.TrailingHeaders.TryGetValues(name, out var trailer) ? trailer.First()
        : response.Headers.TryGetValues(name, out var header) ? header.First()
        : null;

    /// <summary>A gRPC length-prefixed message: flag, 4-byte big-endian length, payload.</summary>
    private static byte[] Frame(byte[] payload, bool compressed = false)
    {
        var frame = new byte[5 + payload.Length];
        frame[0] = compressed ? (byte)1 : (byte)0;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(frame, 5);
        return frame;
    }

    /// <summary>A GenerateRequest whose model is 60 MiB of one letter: under 64 KiB as gzip.</summary>
    private static readonly Lazy<byte[]> GzipBomb = new(() =>
    {
        var bomb = Gzip(new GenerateRequest { Model = new string('a', 60 * 1024 * 1024) }.ToByteArray(), CompressionLevel.SmallestSize);
        Assert.True(bomb.Length < 64 * 1024, $"the bomb is {bomb.Length} bytes compressed");
        return bomb;
    });

    private static byte[] Gzip(byte[] data, CompressionLevel level = CompressionLevel.Fastest)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, level)) gzip.Write(data);
        return output.ToArray();
    }

    private static byte[] Deflate(byte[] data)
    {
        using var output = new MemoryStream();
        using (var deflate = new DeflateStream(output, CompressionLevel.Fastest)) deflate.Write(data);
        return output.ToArray();
    }

    private static string Bearer(string key) => $"Bearer {key}";

    private static string NewJobId() => GenerationPlatform.Api.JobIds.Unissued();

    /// <summary>Ensembles nested <paramref name="depth"/> deep, of distinct mean-target verifiers.</summary>
    private static string Nest(int depth) => depth == 0 ? "mean-target-leaf" : $"ensemble(mean-target-{depth},{Nest(depth - 1)})";

    private static async Task<JobUpdate> LastAsync(IAsyncEnumerable<JobUpdate> updates)
    {
        JobUpdate? last = null;
        await foreach (var u in updates) last = u;
        return last ?? throw new XunitException("the stream was empty");
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!await condition())
        {
            if (DateTime.UtcNow > until) throw new XunitException("the condition did not hold within 10 s");
            await Task.Delay(50);
        }
    }

    /// <summary>Sends every request with the given Host / :authority, as an ingress or a port-forward would.</summary>
    private sealed class AuthorityHandler(string authority, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Host = authority;
            return base.SendAsync(request, cancellationToken);
        }
    }
}

/// <summary>Marks the test that runs after every other test of its class.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class AfterTheSuiteAttribute : Attribute;

/// <summary>Runs a class's tests by name, those marked <see cref="AfterTheSuiteAttribute"/> last.</summary>
public sealed class HostileSuiteOrder : ITestCaseOrderer
{
    public const string TypeName = "GenerationPlatform.Api.Tests.HostileSuiteOrder", AssemblyName = "GenerationPlatform.Api.Tests";

    public IEnumerable<TTestCase> OrderTestCases<TTestCase>(IEnumerable<TTestCase> testCases) where TTestCase : ITestCase =>
        testCases
            .OrderBy(t => t.TestMethod.Method.GetCustomAttributes(typeof(AfterTheSuiteAttribute).AssemblyQualifiedName).Any())
            .ThenBy(t => t.DisplayName, StringComparer.Ordinal);
}
