using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using GenerationPlatform.Api.V1;
using GenerationPlatform.Client;
using GenerationPlatform.Silo;
using GenerationPlatform.Testing;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;

namespace GenerationPlatform.Api.Tests;

/// <summary>The real host with HTTP/JSON, and tenants of the job-history tests' own, so that each test knows every job its tenant ran.</summary>
public sealed class JobHistoryFixture : IAsyncLifetime
{
    public static readonly string[] Tenants = ["hist-list", "hist-args", "hist-delete", "hist-running", "hist-owner", "hist-other", "hist-http"];

    public string ResultsFolder { get; } = Path.Combine(Path.GetTempPath(), $"genplat-history-tests-{Guid.NewGuid():N}");
    public WebApplication App { get; private set; } = null!;
    public PlatformEndpoints Endpoints { get; private set; } = null!;

    public static string KeyOf(string tenant) => $"{tenant}-key-0123";

    public async Task InitializeAsync()
    {
        App = await PlatformFixture.StartHostAsync(new Dictionary<string, string?>
        {
            ["GenerationPlatform:Results:Kind"] = "folder",
            ["GenerationPlatform:Results:Path"] = ResultsFolder,
            ["GenerationPlatform:Host:JsonPort"] = "0",
        }.WithTenants(Tenants.Select(t => (t, KeyOf(t)))));
        Endpoints = PlatformHost.Endpoints(App);
    }

    public async Task DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        try { Directory.Delete(ResultsFolder, recursive: true); } catch (DirectoryNotFoundException) { }
    }

    public GenerationPlatformClient Client(string tenant) => new(new Uri(Endpoints.Grpc), KeyOf(tenant));

    public HttpClient Http(string tenant)
    {
        var http = new HttpClient { BaseAddress = new Uri(Endpoints.Json!) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", KeyOf(tenant));
        return http;
    }
}

/// <summary>
/// ListJobs and DeleteJob over gRPC and HTTP/JSON on loopback: a tenant's jobs newest first, page by page and by state; bad
/// arguments named; deletion of an ended job, its result files and its listing; a running job refused until it has ended;
/// another tenant that can neither list nor delete a job that is not its own.
/// </summary>
public sealed class JobHistoryTests(JobHistoryFixture fixture) : IClassFixture<JobHistoryFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static async Task<string> CompletedJobAsync(GenerationPlatformClient client, ulong seed = 7)
    {
        using var timeout = new CancellationTokenSource(Patience);
        var end = await client.GenerateToEndAsync(PlatformFixture.Request(seed: seed), timeout.Token);
        Assert.Equal(JobUpdate.UpdateOneofCase.Result, end.UpdateCase);
        return end.JobId;
    }

    private static async Task<Job> EndedAsync(GenerationPlatformClient client, string jobId) =>
        await Eventually.UntilAsync(() => client.GetJobAsync(jobId), j => j.State != JobState.Running, Patience, $"job {jobId} ends", TimeSpan.FromMilliseconds(20));

    private static async Task<List<string>> ListedAsync(GenerationPlatformClient client, JobState state = JobState.Unspecified)
    {
        var ids = new List<string>();
        await foreach (var job in client.ListAllJobsAsync(state)) ids.Add(job.JobId);
        return ids;
    }

    private static async Task<RpcException> RefusedAsync(StatusCode code, string messageStart, Func<Task> call)
    {
        var e = await Assert.ThrowsAsync<RpcException>(call);
        Assert.Equal(code, e.StatusCode);
        Assert.StartsWith(messageStart, e.Status.Detail);
        return e;
    }

    [Fact]
    public async Task ATenantsJobsAreListedNewestFirstPageByPageAndByState()
    {
        using var client = fixture.Client("hist-list");
        var completed = new List<string>();
        for (ulong i = 0; i < 4; i++) completed.Add(await CompletedJobAsync(client, seed: 10 + i));
        var cancelled = (await client.SubmitAsync(PlatformFixture.Request(PlatformFixture.SlowModel, budget: 19 * 2000))).JobId;
        var running = (await client.SubmitAsync(PlatformFixture.Request(PlatformFixture.SlowModel, budget: 19 * 4000))).JobId;
        await client.CancelAsync(cancelled);
        await EndedAsync(client, cancelled);

        var newestFirst = new[] { running, cancelled }.Concat(Enumerable.Reverse(completed)).ToList();
        var pages = new List<ListJobsResponse>();
        var token = "";
        do
        {
            var page = await client.ListJobsAsync(pageSize: 4, pageToken: token);
            pages.Add(page);
            token = page.NextPageToken;
        }
        while (token.Length > 0);
        Assert.Equal([4, 2], pages.Select(p => p.Jobs.Count));
        Assert.Equal(newestFirst, pages.SelectMany(p => p.Jobs).Select(j => j.JobId));
        Assert.Equal(newestFirst, await ListedAsync(client));
        Assert.Equal(newestFirst, (await client.ListJobsAsync()).Jobs.Select(j => j.JobId)); // the default page holds them all

        Assert.Equal(Enumerable.Reverse(completed), await ListedAsync(client, JobState.Completed));
        Assert.Equal([cancelled], await ListedAsync(client, JobState.Cancelled));
        Assert.Equal([running], await ListedAsync(client, JobState.Running));
        Assert.Empty(await ListedAsync(client, JobState.Failed));

        var all = (await client.ListJobsAsync()).Jobs.ToDictionary(j => j.JobId);
        var done = all[completed[0]];
        Assert.Equal((JobState.Completed, PlatformFixture.Model, 152L, 152L), (done.State, done.Model, done.BudgetNfe, done.SpentNfe));
        Assert.StartsWith("random", done.Algorithm);
        Assert.NotNull(done.FinishedAt);
        Assert.True(done.FinishedAt.ToDateTimeOffset() >= done.AcceptedAt.ToDateTimeOffset());
        Assert.Equal(JobState.Cancelled, all[cancelled].State);
        Assert.Equal((JobState.Running, (Google.Protobuf.WellKnownTypes.Timestamp?)null), (all[running].State, all[running].FinishedAt));
        await client.CancelAsync(running);
    }

    [Fact]
    public async Task BadListArgumentsAreInvalidArgumentNamingTheField()
    {
        using var client = fixture.Client("hist-args");
        using var other = fixture.Client("hist-other");
        for (ulong i = 0; i < 3; i++) await CompletedJobAsync(client, seed: 20 + i);

        await RefusedAsync(StatusCode.InvalidArgument, "page_size: must be between 1 and 100", () => client.ListJobsAsync(pageSize: -1));
        await RefusedAsync(StatusCode.InvalidArgument, "page_size: must be between 1 and 100", () => client.ListJobsAsync(pageSize: 101));
        await RefusedAsync(StatusCode.InvalidArgument, "state: unknown job state 42", () => client.ListJobsAsync((JobState)42));
        await RefusedAsync(StatusCode.InvalidArgument, "page_token: not a page token", () => client.ListJobsAsync(pageToken: "not-a-token"));
        await RefusedAsync(StatusCode.InvalidArgument, "page_token: not a page token", () => client.ListJobsAsync(pageToken: new string('a', 600)));

        // A token is bound to its caller and its filter: another tenant cannot page this one's partition with it, and a
        // token edited to point elsewhere fails its MAC.
        var first = await client.ListJobsAsync(pageSize: 1);
        Assert.NotEmpty(first.NextPageToken);
        await RefusedAsync(StatusCode.InvalidArgument, "page_token:", () => other.ListJobsAsync(pageSize: 1, pageToken: first.NextPageToken));
        await RefusedAsync(StatusCode.InvalidArgument, "page_token:", () => client.ListJobsAsync(JobState.Completed, 1, first.NextPageToken));
        var forged = System.Buffers.Text.Base64Url.EncodeToString("0000000000000000000-job-"u8) + first.NextPageToken[first.NextPageToken.IndexOf('.')..];
        await RefusedAsync(StatusCode.InvalidArgument, "page_token:", () => client.ListJobsAsync(pageSize: 1, pageToken: forged));
        Assert.Single((await client.ListJobsAsync(pageSize: 1, pageToken: first.NextPageToken)).Jobs);

        // The same over HTTP/JSON: 400 naming the field.
        using var http = fixture.Http("hist-args");
        foreach (var (query, field) in new[]
        {
            ("page_size=101", "page_size:"), ("pageSize=-3", "page_size:"), ("state=JOB_STATE_FINISHED", "state:"), ("page_token=xyz", "page_token:"),
            ("size=3", "size:"),
        })
        {
            var response = await http.GetAsync($"/v1/jobs?{query}");
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{query}: {(int)response.StatusCode} {body}");
            var status = JsonDocument.Parse(body).RootElement;
            Assert.Equal((int)StatusCode.InvalidArgument, status.GetProperty("code").GetInt32());
            Assert.StartsWith(field, status.GetProperty("message").GetString());
        }
    }

    [Fact]
    public async Task DeletingAnEndedJobRemovesItsResultItsStateAndItsListing()
    {
        using var client = fixture.Client("hist-delete");
        var kept = await CompletedJobAsync(client, seed: 30);
        var jobId = await CompletedJobAsync(client, seed: 31);
        var folder = Path.Combine(fixture.ResultsFolder, "hist-delete", jobId);
        Assert.True(File.Exists(Path.Combine(folder, "top-1.png")));
        Assert.NotEmpty((await client.GetJobAsync(jobId)).Result.Images); // and cached by the server

        var deleted = await client.DeleteJobAsync(jobId);

        Assert.True(deleted.Deleted);
        Assert.False(Directory.Exists(folder));
        await RefusedAsync(StatusCode.NotFound, "job_id: no job", () => client.GetJobAsync(jobId));
        await RefusedAsync(StatusCode.NotFound, "job_id: no job", () => client.CancelAsync(jobId));
        await RefusedAsync(StatusCode.NotFound, "job_id: no job", async () => { await foreach (var _ in client.WatchAsync(jobId)) { } });
        Assert.Equal([kept], await ListedAsync(client));
        // Idempotent: the job is gone, and saying so again is no error.
        Assert.False((await client.DeleteJobAsync(jobId)).Deleted);
        Assert.Equal(JobState.Completed, (await client.GetJobAsync(kept)).State);
        Assert.True(File.Exists(Path.Combine(fixture.ResultsFolder, "hist-delete", kept, "result.json")));
    }

    [Fact]
    public async Task ARunningJobIsRefusedUntilItWasCancelledAndHasEnded()
    {
        using var client = fixture.Client("hist-running");
        var jobId = (await client.SubmitAsync(PlatformFixture.Request(PlatformFixture.SlowModel, budget: 19 * 4000))).JobId;

        await RefusedAsync(StatusCode.FailedPrecondition, $"job_id: job {jobId} is running; cancel it", () => client.DeleteJobAsync(jobId));
        Assert.Equal(JobState.Running, (await client.GetJobAsync(jobId)).State);

        Assert.True((await client.CancelAsync(jobId)).Cancelling);
        Assert.Equal(JobState.Cancelled, (await EndedAsync(client, jobId)).State);
        Assert.True((await client.DeleteJobAsync(jobId)).Deleted);
        await RefusedAsync(StatusCode.NotFound, "job_id: no job", () => client.GetJobAsync(jobId));
        Assert.Empty(await ListedAsync(client));
        Assert.Equal(0, (await client.GetUsageAsync()).ActiveJobs);
    }

    [Fact]
    public async Task AnotherTenantCanNeitherListNorDeleteAJobThatIsNotItsOwn()
    {
        using var owner = fixture.Client("hist-owner");
        using var other = fixture.Client("hist-other");
        var jobId = await CompletedJobAsync(owner, seed: 40);

        Assert.DoesNotContain(jobId, await ListedAsync(other));
        foreach (var state in new[] { JobState.Unspecified, JobState.Completed })
            Assert.DoesNotContain(jobId, await ListedAsync(other, state));
        // Exactly GetJob's answer for a job that does not exist, and nothing deleted.
        var notFound = await RefusedAsync(StatusCode.NotFound, $"job_id: no job {jobId}", () => other.DeleteJobAsync(jobId));
        var getJob = await RefusedAsync(StatusCode.NotFound, "job_id:", () => other.GetJobAsync(jobId));
        Assert.Equal(getJob.Status.Detail, notFound.Status.Detail);
        await RefusedAsync(StatusCode.NotFound, "job_id: no job", () => other.DeleteJobAsync(JobIds.Unissued()));
        await RefusedAsync(StatusCode.InvalidArgument, "job_id: not a job id", () => other.DeleteJobAsync("job-1"));
        await RefusedAsync(StatusCode.InvalidArgument, "job_id: required", () => other.DeleteJobAsync(""));

        Assert.Equal(JobState.Completed, (await owner.GetJobAsync(jobId)).State);
        Assert.Equal([jobId], await ListedAsync(owner));
        Assert.True(File.Exists(Path.Combine(fixture.ResultsFolder, "hist-owner", jobId, "result.json")));
    }

    [Fact]
    public async Task ListAndDeleteOverHttpJson()
    {
        using var grpc = fixture.Client("hist-http");
        var older = await CompletedJobAsync(grpc, seed: 50);
        var newer = await CompletedJobAsync(grpc, seed: 51);
        using var http = fixture.Http("hist-http");

        var page = await OkAsync(await http.GetAsync("/v1/jobs?state=JOB_STATE_COMPLETED&page_size=1"));
        var job = Assert.Single(page.GetProperty("jobs").EnumerateArray());
        Assert.Equal((newer, "JOB_STATE_COMPLETED"), (job.GetProperty("jobId").GetString(), job.GetProperty("state").GetString()));
        var token = page.GetProperty("nextPageToken").GetString()!;
        var next = await OkAsync(await http.GetAsync($"/v1/jobs?state=JOB_STATE_COMPLETED&pageSize=1&pageToken={Uri.EscapeDataString(token)}"));
        Assert.Equal(older, Assert.Single(next.GetProperty("jobs").EnumerateArray()).GetProperty("jobId").GetString());

        Assert.True((await OkAsync(await http.DeleteAsync($"/v1/jobs/{newer}"))).GetProperty("deleted").GetBoolean());
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/v1/jobs/{newer}")).StatusCode);
        Assert.False((await OkAsync(await http.DeleteAsync($"/v1/jobs/{newer}"))).GetProperty("deleted").GetBoolean());
        var listed = await OkAsync(await http.GetAsync("/v1/jobs"));
        Assert.Equal([older], listed.GetProperty("jobs").EnumerateArray().Select(j => j.GetProperty("jobId").GetString()));
        Assert.Equal("", listed.GetProperty("nextPageToken").GetString());

        using var otherHttp = fixture.Http("hist-other");
        var refused = await otherHttp.DeleteAsync($"/v1/jobs/{older}");
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.StartsWith("job_id: no job", JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("message").GetString());
        Assert.Equal(JobState.Completed, (await grpc.GetJobAsync(older)).State);
    }

    private static async Task<JsonElement> OkAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }
}
