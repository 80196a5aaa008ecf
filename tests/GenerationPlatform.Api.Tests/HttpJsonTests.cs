using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GenerationPlatform.Api.V1;
using GenerationPlatform.Client;
using GenerationPlatform.Diffusion.Imaging;
using GenerationPlatform.Silo;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;

namespace GenerationPlatform.Api.Tests;

/// <summary>The real host (PlatformFixture's tenants, quotas and analytic providers) with HTTP/JSON on a free port.</summary>
public sealed class HttpJsonFixture : IAsyncLifetime
{
    public string ResultsFolder { get; } = Path.Combine(Path.GetTempPath(), $"genplat-httpjson-tests-{Guid.NewGuid():N}");
    public WebApplication App { get; private set; } = null!;
    public PlatformEndpoints Endpoints { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        App = await PlatformFixture.StartHostAsync(new Dictionary<string, string?>
        {
            ["GenerationPlatform:Results:Kind"] = "folder",
            ["GenerationPlatform:Results:Path"] = ResultsFolder,
            ["GenerationPlatform:Host:JsonPort"] = "0",
        });
        Endpoints = PlatformHost.Endpoints(App);
    }

    public async Task DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        try { Directory.Delete(ResultsFolder, recursive: true); } catch (DirectoryNotFoundException) { }
    }
}

/// <summary>
/// GenerationService over HTTP/JSON with a plain HttpClient (HTTP/1.1): the calls, their streams, the HTTP statuses of
/// the gRPC codes, what the JSON port refuses before the call and what it does not serve.
/// </summary>
public sealed class HttpJsonTests(HttpJsonFixture fixture) : IClassFixture<HttpJsonFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private const int MessageLimit = 64 * 1024; // RequestLimits.MaxReceiveMessageBytes' default

    [Fact]
    public async Task SubmitGetWatchAndCancelAJob()
    {
        using var http = Client(PlatformFixture.AlphaKey);
        var submitted = await OkAsync(await http.PostAsync("/v1/jobs", Body(Job(PlatformFixture.SlowModel, budget: 19 * 2000))));
        var jobId = submitted.GetProperty("jobId").GetString()!;
        Assert.Matches("^job-[0-9a-f]{40}$", jobId);
        Assert.Equal(7ul, submitted.GetProperty("seed").GetUInt64());

        var job = await OkAsync(await http.GetAsync($"/v1/jobs/{jobId}"));
        Assert.Equal(jobId, job.GetProperty("jobId").GetString());
        Assert.Equal("JOB_STATE_RUNNING", job.GetProperty("state").GetString());
        Assert.Equal(19 * 2000, job.GetProperty("budgetNfe").GetInt64());

        // Watch streams the history, then follows the job live, one JSON object a line as it happens: the first line
        // arrives while the job runs (it runs until cancelled), the cancel below ends it, and the stream with it.
        using var timeout = new CancellationTokenSource(Patience);
        var updates = new List<JsonElement>();
        await foreach (var update in LinesAsync(http, new HttpRequestMessage(HttpMethod.Get, $"/v1/jobs/{jobId}:watch"), timeout.Token))
        {
            updates.Add(update);
            if (updates.Count > 1) continue;
            // Cancel takes no body: a bare POST.
            var cancel = await OkAsync(await http.PostAsync($"/v1/jobs/{jobId}:cancel", content: null));
            Assert.True(cancel.GetProperty("cancelling").GetBoolean());
        }
        Assert.Equal(Enumerable.Range(0, updates.Count), updates.Select(u => u.GetProperty("index").GetInt32()));
        Assert.True(updates[0].TryGetProperty("accepted", out _));
        var ended = updates[^1].GetProperty("ended");
        Assert.Equal("JOB_STATE_CANCELLED", ended.GetProperty("state").GetString());
        Assert.True(ended.GetProperty("nfe").GetProperty("search").GetInt64() < 19 * 2000);

        Assert.Equal("JOB_STATE_CANCELLED", (await OkAsync(await http.GetAsync($"/v1/jobs/{jobId}"))).GetProperty("state").GetString());
        Assert.False((await OkAsync(await http.PostAsync($"/v1/jobs/{jobId}:cancel", content: null))).GetProperty("cancelling").GetBoolean());

        // The same job, the same key, over gRPC (h2c) on the gRPC port, which the JSON port leaves as it was.
        using var grpc = new GenerationPlatformClient(new Uri(fixture.Endpoints.Grpc), PlatformFixture.AlphaKey);
        Assert.Equal(JobState.Cancelled, (await grpc.GetJobAsync(jobId)).State);
    }

    [Fact]
    public async Task GenerateStreamsJsonObjectsToTheResultWithThePngs()
    {
        using var http = Client(PlatformFixture.AlphaKey);
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/jobs:generate") { Content = Body(Job()) };
        var updates = await StreamAsync(http, request);

        Assert.Equal(7ul, updates[0].GetProperty("accepted").GetProperty("seed").GetUInt64());
        Assert.Contains(updates, u => u.TryGetProperty("progress", out _));
        Assert.Equal(Enumerable.Range(0, updates.Count), updates.Select(u => u.GetProperty("index").GetInt32()));
        var result = updates[^1].GetProperty("result");
        var jobId = result.GetProperty("jobId").GetString()!;
        var nfe = result.GetProperty("nfe");
        Assert.Equal(152, nfe.GetProperty("search").GetInt64() + nfe.GetProperty("final").GetInt64());
        var images = result.GetProperty("images").EnumerateArray().ToList();
        Assert.Equal(2, images.Count);
        Assert.True(images[0].GetProperty("score").GetDouble() >= images[1].GetProperty("score").GetDouble());
        Assert.True(images[0].GetProperty("scoresByVerifier").TryGetProperty(PlatformFixture.Verifier, out _));
        var png = images[0].GetProperty("png").GetBytesFromBase64();
        Assert.Equal((28, 28), (ImageGrid.DecodeGray(png).Width, ImageGrid.DecodeGray(png).Height));

        // The bytes gRPC answers for the same job, and the stored top-1.png.
        using var grpc = new GenerationPlatformClient(new Uri(fixture.Endpoints.Grpc), PlatformFixture.AlphaKey);
        Assert.Equal(png, (await grpc.GetJobAsync(jobId)).Result.Images[0].Png.ToByteArray());
        Assert.Equal(png, await File.ReadAllBytesAsync(Path.Combine(fixture.ResultsFolder, "alpha", jobId, "top-1.png")));

        // Watch from an index, named in the query as the proto or as JSON spells it.
        foreach (var query in new[] { "from_index=1", "fromIndex=1" })
        {
            var rest = await StreamAsync(http, new HttpRequestMessage(HttpMethod.Get, $"/v1/jobs/{jobId}:watch?{query}"));
            Assert.Equal(Enumerable.Range(1, updates.Count - 1), rest.Select(u => u.GetProperty("index").GetInt32()));
            Assert.True(rest[^1].TryGetProperty("result", out _));
        }
    }

    [Fact]
    public async Task TheCatalogueAndUsageCallsAnswerJson()
    {
        using var http = Client(PlatformFixture.BetaKey);
        var models = await OkAsync(await http.GetAsync("/v1/models"));
        Assert.Contains(models.GetProperty("models").EnumerateArray(), m => m.GetProperty("name").GetString() == PlatformFixture.Model);
        var model = models.GetProperty("models").EnumerateArray().Single(m => m.GetProperty("name").GetString() == PlatformFixture.Model);
        Assert.Equal("Sneaker", model.GetProperty("classes")[7].GetString());
        Assert.Equal(3, model.GetProperty("image").EnumerateObject().Count());
        var verifiers = await OkAsync(await http.GetAsync("/v1/verifiers"));
        Assert.Contains(verifiers.GetProperty("verifiers").EnumerateArray(), v => v.GetProperty("name").GetString() == PlatformFixture.Verifier);
        var usage = await OkAsync(await http.GetAsync("/v1/usage"));
        Assert.Equal("beta", usage.GetProperty("tenant").GetString());
    }

    [Fact]
    public async Task KeysAreTheGrpcApisAndARefusalIs401WithItsChallenge()
    {
        foreach (var key in new string?[] { null, "not-a-key", PlatformFixture.AlphaKey + "x" })
        {
            using var http = Client(key);
            foreach (var response in new[] { await http.GetAsync("/v1/models"), await http.PostAsync("/v1/jobs", Body(Job())) })
            {
                await AssertStatusAsync(response, HttpStatusCode.Unauthorized, StatusCode.Unauthenticated, "authorization:");
                Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
            }
        }
        using var other = new HttpClient { BaseAddress = new Uri(fixture.Endpoints.Json!) };
        other.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", "YWxwaGE6cGFzcw==");
        await AssertStatusAsync(await other.GetAsync("/v1/usage"), HttpStatusCode.Unauthorized, StatusCode.Unauthenticated, "authorization:");
    }

    [Fact]
    public async Task EachRefusalIsTheHttpStatusOfItsGrpcCodeAndNamesTheField()
    {
        using var alpha = Client(PlatformFixture.AlphaKey);
        // INVALID_ARGUMENT: 400, the message naming the field as the proto spells it.
        await AssertStatusAsync(await alpha.PostAsync("/v1/jobs", Body(Job(topK: 17))), HttpStatusCode.BadRequest, StatusCode.InvalidArgument,
            "top_k: must be between 1 and 16 (got 17)");
        await AssertStatusAsync(await alpha.PostAsync("/v1/jobs", Body(Job(budget: long.MaxValue))), HttpStatusCode.BadRequest, StatusCode.InvalidArgument,
            "budget_nfe: at most 100000");
        await AssertStatusAsync(await alpha.GetAsync("/v1/jobs/nope"), HttpStatusCode.BadRequest, StatusCode.InvalidArgument, "job_id: not a job id");
        // NOT_FOUND: 404.
        await AssertStatusAsync(await alpha.PostAsync("/v1/jobs", Body(Job(model: "no-such-model"))), HttpStatusCode.NotFound, StatusCode.NotFound, "model:");
        var missing = JobIds.Unissued();
        foreach (var response in new[]
                 {
                     await alpha.GetAsync($"/v1/jobs/{missing}"), await alpha.PostAsync($"/v1/jobs/{missing}:cancel", null),
                     await alpha.GetAsync($"/v1/jobs/{missing}:watch"),
                 })
            await AssertStatusAsync(response, HttpStatusCode.NotFound, StatusCode.NotFound, $"job_id: no job {missing}");

        // The tenant's largest budget is a limit no retry passes: FAILED_PRECONDITION, 400.
        using var small = Client(PlatformFixture.SmallKey);
        await AssertStatusAsync(await small.PostAsync("/v1/jobs", Body(Job())), HttpStatusCode.BadRequest, StatusCode.FailedPrecondition, "budget_nfe:");
        // RESOURCE_EXHAUSTED: 429, for its concurrent jobs (a retry once one ends can pass).
        using var solo = Client(PlatformFixture.SoloKey);
        var running = (await OkAsync(await solo.PostAsync("/v1/jobs", Body(Job(PlatformFixture.SlowModel, budget: 19 * 2000))))).GetProperty("jobId").GetString();
        try
        {
            await AssertStatusAsync(await solo.PostAsync("/v1/jobs", Body(Job())), HttpStatusCode.TooManyRequests, StatusCode.ResourceExhausted, "quota:");
            // A stream refused before it starts is a plain answer too, not a stream.
            await AssertStatusAsync(await solo.PostAsync("/v1/jobs:generate", Body(Job())), HttpStatusCode.TooManyRequests, StatusCode.ResourceExhausted, "quota:");
        }
        finally
        {
            await OkAsync(await solo.PostAsync($"/v1/jobs/{running}:cancel", null));
        }
    }

    [Theory]
    [InlineData("{\"model\": ", "request: not valid JSON")]
    [InlineData("[1, 2]", "request: expected a JSON object (GenerateRequest), got an array")]
    [InlineData("\"job\"", "request: expected a JSON object")]
    [InlineData("", "request: the body is empty")]
    [InlineData("{\"model\": \"a\"} trailing", "request: not valid JSON")]
    public async Task ABodyThatIsNotAJsonObjectIs400(string body, string message)
    {
        // Checked before the key, as a gRPC message that does not decode is.
        using var http = Client("not-a-key");
        await AssertStatusAsync(await http.PostAsync("/v1/jobs", Body(body)), HttpStatusCode.BadRequest, StatusCode.InvalidArgument, message);
    }

    [Theory]
    // Unknown fields: the transcoding drops them silently (and has no setting to refuse them); the check refuses them.
    [InlineData("modle", "\"gauss-e2e\"", "modle: GenerateRequest has no such field")]
    [InlineData("top_K", "2", "top_K: GenerateRequest has no such field")]
    [InlineData("topK", "3", "top_k: given twice")]
    // Huge and fractional numbers: named, never wrapped or rounded.
    [InlineData("budget_nfe", "1e400", "budget_nfe: expected an integer from -9223372036854775808 to 9223372036854775807, got 1e400")]
    [InlineData("budget_nfe", "123456789012345678901234567890", "budget_nfe: expected an integer")]
    [InlineData("budget_nfe", "\"12e3\"", "budget_nfe: expected an integer")]
    [InlineData("top_k", "4294967298", "top_k: expected an integer from -2147483648 to 2147483647, got 4294967298")]
    [InlineData("top_k", "2.5", "top_k: expected an integer")]
    [InlineData("top_k", "\"2\"", "top_k: expected an integer")]
    [InlineData("seed", "-1", "seed: expected an integer from 0 to 18446744073709551615")]
    [InlineData("seed", "18446744073709551616", "seed: expected an integer from 0 to 18446744073709551615")]
    [InlineData("guidance", "1e39", "guidance: expected a 32-bit float, got 1e39: out of its range")]
    // Values of the wrong JSON type, names the proto does not define.
    [InlineData("model", "5", "model: expected a string, got 5")]
    [InlineData("sampler", "\"SAMPLER_WARP\"", "sampler: expected one of SAMPLER_UNSPECIFIED")]
    [InlineData("reported_verifiers", "\"classifier\"", "reported_verifiers: expected a JSON array, got a string")]
    [InlineData("reported_verifiers", "[\"classifier\", 7]", "reported_verifiers[1]: expected a string, got 7")]
    [InlineData("deadline", "\"forever\"", "deadline: expected a duration in seconds")]
    [InlineData("deadline", "{\"seconds\": 5}", "deadline: expected a duration in seconds")]
    public async Task AFieldTheRequestCannotHoldIs400NamingIt(string field, string value, string message)
    {
        using var http = Client(PlatformFixture.AlphaKey);
        var body = JsonNode.Parse(Job())!.AsObject();
        body[field] = JsonNode.Parse(value);
        await AssertStatusAsync(await http.PostAsync("/v1/jobs", Body(body.ToJsonString())), HttpStatusCode.BadRequest, StatusCode.InvalidArgument, message);
    }

    [Fact]
    public async Task ValuesProto3JsonAllowsAreReadAsGrpcReadsThem()
    {
        using var http = Client(PlatformFixture.AlphaKey);
        // JSON names, a quoted 64-bit integer, an enum by number, a duration, null for a default.
        var body = """
            {"model": "gauss-e2e", "class": "Sneaker", "verifier": "mean-target", "budgetNfe": "152", "topK": 2, "sampler": 2,
             "seed": 11, "deadline": "60s", "reportedVerifiers": [], "algorithm": null}
            """;
        var submitted = await OkAsync(await http.PostAsync("/v1/jobs", Body(body)));
        Assert.Equal(11ul, submitted.GetProperty("seed").GetUInt64());
        var job = await OkAsync(await http.GetAsync($"/v1/jobs/{submitted.GetProperty("jobId").GetString()}"));
        Assert.Equal(152, job.GetProperty("budgetNfe").GetInt64());
    }

    [Fact]
    public async Task ABodyThatIsNotUtf8JsonIs400()
    {
        using var http = Client(PlatformFixture.AlphaKey);
        await AssertStatusAsync(await http.PostAsync("/v1/jobs", new StringContent(Job(), Encoding.UTF8, "text/plain")),
            HttpStatusCode.BadRequest, StatusCode.InvalidArgument, "request: send the body as application/json (Content-Type was \"text/plain; charset=utf-8\")");
        await AssertStatusAsync(await http.PostAsync("/v1/jobs", new StringContent(Job(), Encoding.Unicode, "application/json")),
            HttpStatusCode.BadRequest, StatusCode.InvalidArgument, "request: the body must be UTF-8 JSON");
    }

    [Fact]
    public async Task ABodyOverTheMessageLimitIs413WithTheGrpcApisResourceExhausted()
    {
        using var http = Client(PlatformFixture.AlphaKey);
        var big = Job(@class: new string('x', MessageLimit)); // valid JSON, just too long
        var declared = await http.PostAsync("/v1/jobs", Body(big));
        await AssertStatusAsync(declared, HttpStatusCode.RequestEntityTooLarge, StatusCode.ResourceExhausted,
            $"request: a body of {Encoding.UTF8.GetByteCount(big)} bytes is over the limit of {MessageLimit}");

        // Chunked, with no length declared: cut off at the limit all the same.
        using var chunkedClient = Client(PlatformFixture.AlphaKey);
        var chunked = new HttpRequestMessage(HttpMethod.Post, "/v1/jobs") { Content = new UnsizedContent(Encoding.UTF8.GetBytes(big)) };
        var response = await chunkedClient.SendAsync(chunked);
        Assert.True(chunked.Headers.TransferEncodingChunked ?? false);
        await AssertStatusAsync(response, HttpStatusCode.RequestEntityTooLarge, StatusCode.ResourceExhausted, $"request: a body over the limit of {MessageLimit} bytes");

        // Just under the limit, the body is read and the request judged on its fields.
        var under = Job(@class: new string('x', MessageLimit - Encoding.UTF8.GetByteCount(Job(@class: "")) - 1));
        Assert.True(Encoding.UTF8.GetByteCount(under) < MessageLimit);
        await AssertStatusAsync(await http.PostAsync("/v1/jobs", Body(under)), HttpStatusCode.BadRequest, StatusCode.InvalidArgument, "class: at most 64 characters");
    }

    [Fact]
    public async Task QueryParametersAreCheckedLikeFields()
    {
        using var http = Client(PlatformFixture.AlphaKey);
        var job = JobIds.Unissued();
        await AssertStatusAsync(await http.GetAsync($"/v1/jobs/{job}:watch?from_index=abc"), HttpStatusCode.BadRequest, StatusCode.InvalidArgument,
            "from_index: expected an integer from -2147483648 to 2147483647, got \"abc\"");
        await AssertStatusAsync(await http.GetAsync($"/v1/jobs/{job}:watch?from_index=99999999999"), HttpStatusCode.BadRequest, StatusCode.InvalidArgument,
            "from_index: expected an integer");
        await AssertStatusAsync(await http.GetAsync($"/v1/jobs/{job}:watch?from_index=-1"), HttpStatusCode.BadRequest, StatusCode.InvalidArgument,
            "from_index: must be between 0 and 1000000 (got -1)");
        await AssertStatusAsync(await http.GetAsync($"/v1/jobs/{job}:watch?from=1"), HttpStatusCode.BadRequest, StatusCode.InvalidArgument,
            "from: WatchRequest has no such field");
        foreach (var twice in new[] { "from_index=1&from_index=2", "from_index=1&fromIndex=2" })
            await AssertStatusAsync(await http.GetAsync($"/v1/jobs/{job}:watch?{twice}"), HttpStatusCode.BadRequest, StatusCode.InvalidArgument,
                "from_index: given twice");
        await AssertStatusAsync(await http.GetAsync($"/v1/jobs/{job}?job_id={JobIds.Unissued()}"), HttpStatusCode.BadRequest, StatusCode.InvalidArgument,
            "job_id: given in the path already");
        await AssertStatusAsync(await http.GetAsync("/v1/models?verbose=true"), HttpStatusCode.BadRequest, StatusCode.InvalidArgument,
            "verbose: ListModelsRequest has no such field");
        await AssertStatusAsync(await http.PostAsync("/v1/jobs?top_k=3", Body(Job())), HttpStatusCode.BadRequest, StatusCode.InvalidArgument,
            "top_k: this route reads no query parameters");
    }

    [Fact]
    public async Task TheJsonPortServesTheOpenapiDocumentAndNothingOfTheOtherPorts()
    {
        using var http = Client(key: null);
        var document = await OkAsync(await http.GetAsync("/openapi/v1.json"));
        Assert.StartsWith("3.", document.GetProperty("openapi").GetString());
        var paths = document.GetProperty("paths");
        foreach (var (path, method) in new[]
                 {
                     // Path parameters under their JSON names.
                     ("/v1/jobs", "post"), ("/v1/jobs:generate", "post"), ("/v1/jobs/{jobId}", "get"), ("/v1/jobs/{jobId}:cancel", "post"),
                     ("/v1/jobs/{jobId}:watch", "get"), ("/v1/models", "get"), ("/v1/verifiers", "get"), ("/v1/usage", "get"),
                     ("/v1/jobs", "get"), ("/v1/jobs/{jobId}", "delete"),
                 })
            Assert.True(paths.TryGetProperty(path, out var item) && item.TryGetProperty(method, out _),
                $"{method} {path} is not among {string.Join(", ", paths.EnumerateObject().Select(p => p.Name))}");
        Assert.All(paths.EnumerateObject(), p => Assert.StartsWith("/v1/", p.Name)); // no health, metrics or gRPC paths
        Assert.Equal("bearer", document.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer").GetProperty("scheme").GetString());
        // The proto's comments describe the calls.
        Assert.Contains("returns its id at once", paths.GetProperty("/v1/jobs").GetProperty("post").GetRawText());
        Assert.Contains("newest first", paths.GetProperty("/v1/jobs").GetProperty("get").GetRawText());

        // Health, metrics and the dashboard stay on the HTTP port; gRPC's own paths on the gRPC port.
        foreach (var path in new[] { "/metrics", PlatformHost.LivePath, PlatformHost.ReadyPath, "/dashboard", "/swagger/v1/swagger.json" })
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(path)).StatusCode);
        using var grpcOverHttp1 = new HttpRequestMessage(HttpMethod.Post, "/generation.v1.GenerationService/ListModels")
        {
            Content = new ByteArrayContent([0, 0, 0, 0, 0]),
        };
        grpcOverHttp1.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        grpcOverHttp1.Headers.Authorization = new AuthenticationHeaderValue("Bearer", PlatformFixture.AlphaKey);
        Assert.Equal(HttpStatusCode.NotFound, (await http.SendAsync(grpcOverHttp1)).StatusCode);

        // And the HTTP/JSON routes and the document are on no other port: not the HTTP port, not the gRPC port (h2c).
        using var healthPort = new HttpClient { BaseAddress = new Uri(fixture.Endpoints.Http) };
        Assert.Equal(HttpStatusCode.NotFound, (await healthPort.GetAsync("/openapi/v1.json")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await healthPort.SendAsync(Authorized(HttpMethod.Get, "/v1/models"))).StatusCode);
        using var grpcPort = new HttpClient { BaseAddress = new Uri(fixture.Endpoints.Grpc) };
        foreach (var path in new[] { "/v1/models", "/openapi/v1.json" })
        {
            var response = await grpcPort.SendAsync(Authorized(HttpMethod.Get, path, h2c: true));
            Assert.Equal(HttpVersion.Version20, response.Version);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
    }

    [Fact]
    public async Task AStreamPastItsTimeEndsWithAStatusObjectNamingTheIndexToResumeFrom()
    {
        var results = Path.Combine(Path.GetTempPath(), $"genplat-httpjson-tests-{Guid.NewGuid():N}");
        var app = await PlatformFixture.StartHostAsync(new Dictionary<string, string?>
        {
            ["GenerationPlatform:Results:Kind"] = "folder",
            ["GenerationPlatform:Results:Path"] = results,
            ["GenerationPlatform:Host:JsonPort"] = "0",
            ["GenerationPlatform:Api:Limits:MaxWatchDuration"] = "00:00:01",
        });
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(PlatformHost.Endpoints(app).Json!) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", PlatformFixture.AlphaKey);
            var request = new HttpRequestMessage(HttpMethod.Post, "/v1/jobs:generate") { Content = Body(Job(PlatformFixture.SlowModel, budget: 19 * 2000)) };
            var lines = await StreamAsync(http, request);
            // The stream had begun (200, its updates sent): its status comes as its last object.
            var last = lines[^1];
            Assert.Equal((int)StatusCode.DeadlineExceeded, last.GetProperty("code").GetInt32());
            var updates = lines[..^1];
            Assert.NotEmpty(updates);
            var next = updates[^1].GetProperty("index").GetInt32() + 1;
            Assert.EndsWith($"re-attach with Watch from_index {next}", last.GetProperty("message").GetString());
            var jobId = updates[0].GetProperty("jobId").GetString();
            await OkAsync(await http.PostAsync($"/v1/jobs/{jobId}:cancel", null));
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            try { Directory.Delete(results, recursive: true); } catch (DirectoryNotFoundException) { }
        }
    }

    [Theory]
    [InlineData("70000", "GenerationPlatform:Host:JsonPort must be 0-65535")]
    [InlineData("-1", "GenerationPlatform:Host:JsonPort must be 0-65535")]
    [InlineData("5080", "GenerationPlatform:Host:JsonPort (5080) must differ from GenerationPlatform:Host:GrpcPort (5080)")]
    [InlineData("5081", "GenerationPlatform:Host:JsonPort (5081) must differ")]
    public void AJsonPortThatCannotWorkStopsTheHostNamingTheKey(string port, string message)
    {
        var e = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => PlatformHost.CreateBuilder([], new Dictionary<string, string?>
        {
            ["GenerationPlatform:Host:GrpcPort"] = "5080",
            ["GenerationPlatform:Host:HttpPort"] = "5081",
            ["GenerationPlatform:Host:JsonPort"] = port,
        }));
        Assert.StartsWith(message, e.Message);
    }

    /// <summary>A plain HttpClient on the JSON port (HTTP/1.1), with the key when given.</summary>
    private HttpClient Client(string? key)
    {
        var http = new HttpClient { BaseAddress = new Uri(fixture.Endpoints.Json!), Timeout = Patience };
        if (key is not null) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return http;
    }

    /// <summary>A request with alpha's key; <paramref name="h2c"/>: HTTP/2 without TLS (prior knowledge), as the gRPC port speaks.</summary>
    internal static HttpRequestMessage Authorized(HttpMethod method, string path, bool h2c = false)
    {
        var request = new HttpRequestMessage(method, path);
        if (h2c) (request.Version, request.VersionPolicy) = (HttpVersion.Version20, HttpVersionPolicy.RequestVersionExact);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", PlatformFixture.AlphaKey);
        return request;
    }

    /// <summary>PlatformFixture.Request as JSON, field names as the proto spells them.</summary>
    private static string Job(string model = PlatformFixture.Model, long budget = 19 * 8, int topK = 2, string @class = "Sneaker") =>
        JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["model"] = model, ["class"] = @class, ["algorithm"] = "random", ["verifier"] = PlatformFixture.Verifier, ["budget_nfe"] = budget,
            ["top_k"] = topK, ["steps"] = 10, ["seed"] = 7, ["sampler"] = "SAMPLER_HEUN",
        });

    private static StringContent Body(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<JsonElement> OkAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(text).RootElement;
    }

    /// <summary>The answer is the HTTP status of the gRPC code, with a google.rpc.Status body whose message starts as given.</summary>
    private static async Task AssertStatusAsync(HttpResponseMessage response, HttpStatusCode http, StatusCode code, string messageStart)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == http, $"{(int)response.StatusCode}: {text}");
        // The standard mapping, but for a body over the limit: 413, with RESOURCE_EXHAUSTED in the body.
        if (http != HttpStatusCode.RequestEntityTooLarge) Assert.Equal((int)http, HttpJson.HttpStatusOf(code));
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var status = JsonDocument.Parse(text).RootElement;
        Assert.Equal((int)code, status.GetProperty("code").GetInt32());
        Assert.StartsWith(messageStart, status.GetProperty("message").GetString());
        Assert.Equal(JsonValueKind.Array, status.GetProperty("details").ValueKind);
    }

    /// <summary>A 200 stream read to its end: one JSON object a line.</summary>
    private static async Task<List<JsonElement>> StreamAsync(HttpClient http, HttpRequestMessage request)
    {
        using var timeout = new CancellationTokenSource(Patience);
        var lines = new List<JsonElement>();
        await foreach (var line in LinesAsync(http, request, timeout.Token)) lines.Add(line);
        Assert.NotEmpty(lines);
        return lines;
    }

    /// <summary>A 200 stream's objects, each as soon as its line has come.</summary>
    private static async IAsyncEnumerable<JsonElement> LinesAsync(HttpClient http, HttpRequestMessage request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        // The body is read for the message only on failure: reading it here would wait for the stream's end.
        if (response.StatusCode != HttpStatusCode.OK) Assert.Fail($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
            if (line.Length > 0) yield return JsonDocument.Parse(line).RootElement;
    }

    /// <summary>Content of no declared length: HttpClient sends it chunked.</summary>
    private sealed class UnsizedContent : HttpContent
    {
        private readonly byte[] bytes;

        public UnsizedContent(byte[] bytes)
        {
            this.bytes = bytes;
            Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}

/// <summary>The default host serves no HTTP/JSON: GenerationPlatform:Host:JsonPort is unset.</summary>
[Collection(PlatformCollection.Name)]
public sealed class HttpJsonOffByDefaultTests(PlatformFixture fixture)
{
    [Fact]
    public async Task WithoutAJsonPortNoPortServesTheJsonRoutes()
    {
        Assert.Null(fixture.Endpoints.Json);
        using var grpcPort = new HttpClient { BaseAddress = fixture.GrpcAddress };
        using var healthPort = new HttpClient { BaseAddress = fixture.HttpAddress };
        foreach (var (http, h2c) in new[] { (grpcPort, true), (healthPort, false) })
            foreach (var path in new[] { "/v1/models", "/openapi/v1.json" })
            {
                using var request = HttpJsonTests.Authorized(HttpMethod.Get, path, h2c);
                var response = await http.SendAsync(request);
                Assert.True(response.StatusCode == HttpStatusCode.NotFound,
                    $"{http.BaseAddress}{path[1..]}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
    }
}
