using System.Net;
using System.Net.Sockets;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;
using GenerationPlatform.Testing;
using static GenerationPlatform.Storage.LocalFolderResultStoreTests;

namespace GenerationPlatform.Storage;

/// <summary>One Azurite (blob service) shared by the blob tests that do not stop it.</summary>
public sealed class AzuriteBlobFixture : IAsyncLifetime
{
    public AzuriteProcess Azurite { get; private set; } = null!;

    public async Task InitializeAsync() => Azurite = await AzuriteProcess.StartAsync(AzuriteServices.Blob);

    public Task DisposeAsync()
    {
        Azurite?.Dispose();
        return Task.CompletedTask;
    }
}

public sealed class BlobResultStoreTests(AzuriteBlobFixture fixture) : IClassFixture<AzuriteBlobFixture>
{
    private static readonly ResultStoreRetryOptions ShortRetry = new()
    {
        MaxAttempts = 3, InitialDelay = TimeSpan.FromMilliseconds(50), MaxDelay = TimeSpan.FromMilliseconds(100),
        TimeLimit = TimeSpan.FromSeconds(10), AttemptTimeout = TimeSpan.FromSeconds(5),
    };

    private BlobContainerClient NewContainer() =>
        new(fixture.Azurite.ConnectionString, "results-" + Guid.NewGuid().ToString("N")[..12], BlobResultStore.CreateClientOptions(ShortRetry));

    [Fact]
    public async Task RoundTripCreatesTheContainerAndUsesTheTenantJobLayoutAndContentTypes()
    {
        var container = NewContainer();
        Assert.False((await container.ExistsAsync()).Value);
        var store = new BlobResultStore(container, ShortRetry);
        var pngs = Pngs(2, seed: 11);
        var json = Json("""{"job":"job-1"}""");

        var stored = await store.WriteAsync("tenant-a", "job-1", pngs, json);

        Assert.Equal(["top-1.png", "top-2.png", "result.json"], stored.Names);
        Assert.Equal(container.GetBlobClient("tenant-a/job-1/result.json").Uri.AbsoluteUri, stored.Location);
        var blobs = new List<(string Name, string ContentType)>();
        await foreach (var blob in container.GetBlobsAsync())
            blobs.Add((blob.Name, blob.Properties.ContentType));
        Assert.Equal(
            [("tenant-a/job-1/result.json", "application/json"), ("tenant-a/job-1/top-1.png", "image/png"), ("tenant-a/job-1/top-2.png", "image/png")],
            blobs.OrderBy(b => b.Name, StringComparer.Ordinal));

        var read = await store.ReadAsync("tenant-a", "job-1");
        Assert.NotNull(read);
        Assert.Equal(stored.Location, read.Location);
        Assert.Equal(json, read.ResultJson);
        Assert.Equal(pngs.Select(p => p.ToArray()), read.TopPngs);
    }

    [Fact]
    public async Task AnotherTenantFindsNothingUnderItsPrefix()
    {
        var container = NewContainer();
        var store = new BlobResultStore(container, ShortRetry);
        await store.WriteAsync("tenant-a", "shared-job", Pngs(1, 12), Json("{}"));

        Assert.Null(await store.ReadAsync("tenant-b", "shared-job"));
        await foreach (var blob in container.GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = "tenant-b/" }))
            Assert.Fail($"tenant-b sees {blob.Name}");
        Assert.NotNull(await store.ReadAsync("tenant-a", "shared-job"));
    }

    [Fact]
    public async Task ReadIsNullForAMissingContainerOrJob()
    {
        var store = new BlobResultStore(NewContainer(), ShortRetry);
        Assert.Null(await store.ReadAsync("tenant-a", "nothing"));
    }

    [Fact]
    public async Task AFailureMidWriteThrowsWithTheCauseAndLeavesNoResultJson()
    {
        var container = NewContainer();
        using var metrics = new StorageMetrics();
        using var recorder = new StorageErrorRecorder(metrics);
        var store = new BlobResultStore(container, ShortRetry, metrics);
        await store.WriteAsync("t", "j", Pngs(3, 13), Json("""{"v":1}"""));
        // Someone else holds a lease on the second PNG: overwriting it is refused (412, not transient).
        await container.GetBlobClient("t/j/top-2.png").GetBlobLeaseClient().AcquireAsync(TimeSpan.FromSeconds(60));

        var error = await Assert.ThrowsAsync<ResultStoreException>(() => store.WriteAsync("t", "j", Pngs(3, 14), Json("""{"v":2}""")));

        Assert.Contains("top-2.png", error.Message);
        Assert.Contains("412", error.Message);
        Assert.Contains("not transient", error.Message);
        Assert.IsType<Azure.RequestFailedException>(error.InnerException);
        Assert.False((await container.GetBlobClient("t/j/result.json").ExistsAsync()).Value);
        Assert.Null(await store.ReadAsync("t", "j"));
        Assert.Equal([("blob", "write", "failed")], recorder.Errors);
    }

    [Fact]
    public async Task BadIdsAreRejectedBeforeAnyRequest()
    {
        var store = new BlobResultStore(NewContainer(), ShortRetry);
        Assert.Equal("tenantId", (await Assert.ThrowsAsync<ArgumentException>(() => store.WriteAsync("../x", "j", Pngs(1, 15), Json("{}")))).ParamName);
        Assert.Equal("jobId", (await Assert.ThrowsAsync<ArgumentException>(() => store.ReadAsync("t", "a/b"))).ParamName);
    }

    [Fact]
    public async Task DeleteRemovesEveryBlobOfTheJobAndNoOtherAndIsIdempotent()
    {
        var container = NewContainer();
        var store = new BlobResultStore(container, ShortRetry);
        Assert.False(await store.DeleteAsync("tenant-a", "job-1")); // no container yet: nothing stored
        await store.WriteAsync("tenant-a", "job-1", Pngs(3, seed: 1), Json("{}"));
        await store.WriteAsync("tenant-a", "job-10", Pngs(1, seed: 2), Json("{}"));
        await store.WriteAsync("tenant-b", "job-1", Pngs(1, seed: 3), Json("{}"));
        // A write cut short left a PNG past the result's count: it goes too.
        await container.GetBlobClient("tenant-a/job-1/top-4.png").UploadAsync(BinaryData.FromBytes([1, 2, 3]));

        Assert.True(await store.DeleteAsync("tenant-a", "job-1"));

        Assert.Null(await store.ReadAsync("tenant-a", "job-1"));
        var names = new List<string>();
        await foreach (var blob in container.GetBlobsAsync()) names.Add(blob.Name);
        Assert.Equal(["tenant-a/job-10/result.json", "tenant-a/job-10/top-1.png", "tenant-b/job-1/result.json", "tenant-b/job-1/top-1.png"],
            names.Order(StringComparer.Ordinal));
        Assert.False(await store.DeleteAsync("tenant-a", "job-1"));
        Assert.NotNull(await store.ReadAsync("tenant-b", "job-1"));
    }
}

/// <summary>Each test here owns an Azurite it stops and starts again.</summary>
public sealed class BlobResultStoreOutageTests
{
    [Fact]
    public async Task AWriteDuringAnOutageWaitsAndCompletesWhenStorageReturns()
    {
        using var azurite = await AzuriteProcess.StartAsync(AzuriteServices.Blob);
        using var metrics = new StorageMetrics();
        using var recorder = new StorageErrorRecorder(metrics);
        var retry = new ResultStoreRetryOptions
        {
            InitialDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromMilliseconds(500), TimeLimit = TimeSpan.FromSeconds(30),
        };
        var store = BlobResultStore.Create(azurite.ConnectionString, "results", retry, metrics);
        await store.WriteAsync("tenant-a", "before", Pngs(1, 21), Json("{}"));

        azurite.Stop();
        var pngs = Pngs(2, 22);
        var json = Json("""{"job":"during"}""");
        var write = store.WriteAsync("tenant-a", "during", pngs, json);
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.False(write.IsCompleted, write.Exception?.ToString() ?? "the write finished while storage was down");
        await azurite.StartAgainAsync();

        var stored = await write.WaitAsync(TimeSpan.FromSeconds(25));
        Assert.Equal("result.json", stored.Names[^1]);
        var read = await store.ReadAsync("tenant-a", "during");
        Assert.NotNull(read);
        Assert.Equal(json, read.ResultJson);
        Assert.Equal(pngs.Select(p => p.ToArray()), read.TopPngs);
        Assert.Contains(recorder.Errors, e => e is ("blob", _, "retry"));
        Assert.DoesNotContain(recorder.Errors, e => e.Outcome == "failed");
    }

    [Fact]
    public async Task WithStorageDownPastTheTimeLimitTheWriteFailsNamingTheCauseAndStoresNoResult()
    {
        using var azurite = await AzuriteProcess.StartAsync(AzuriteServices.Blob);
        using var metrics = new StorageMetrics();
        using var recorder = new StorageErrorRecorder(metrics);
        var retry = new ResultStoreRetryOptions
        {
            InitialDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromMilliseconds(300), TimeLimit = TimeSpan.FromSeconds(1.5),
        };
        var store = BlobResultStore.Create(azurite.ConnectionString, "results", retry, metrics);
        await store.WriteAsync("tenant-a", "before", Pngs(1, 23), Json("{}"));

        azurite.Stop(graceful: true); // so Azurite keeps "before" across the restart; killed, it may lose its last writes
        var started = DateTime.UtcNow;
        var error = await Assert.ThrowsAsync<ResultStoreException>(() => store.WriteAsync("tenant-a", "lost", Pngs(2, 24), Json("{}")));
        var took = DateTime.UtcNow - started;

        Assert.Contains("time limit", error.Message);
        Assert.Contains("Connection refused", error.Message);
        Assert.NotNull(error.InnerException);
        // It gives up once the next wait (at most MaxDelay + 20 % jitter) would cross the limit.
        Assert.InRange(took, TimeSpan.FromSeconds(1.5 - 0.36), TimeSpan.FromSeconds(10));
        Assert.Contains(recorder.Errors, e => e is ("blob", _, "retry"));
        Assert.Contains(recorder.Errors, e => e is ("blob", _, "failed"));

        await azurite.StartAgainAsync();
        Assert.Null(await store.ReadAsync("tenant-a", "lost"));
        Assert.False(await BlobExistsAsync(azurite, "results", "tenant-a/lost/result.json"));
        Assert.NotNull(await store.ReadAsync("tenant-a", "before"));
    }

    [Fact]
    public async Task AServerThatNeverAnswersTimesOutEachAttemptAndIsRetried()
    {
        // Connections complete in the kernel's backlog, but no response ever comes.
        var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        try
        {
            var port = ((IPEndPoint)silent.LocalEndpoint).Port;
            var connectionString = $"DefaultEndpointsProtocol=http;AccountName={AzuriteProcess.AccountName};" +
                $"AccountKey={AzuriteProcess.AccountKey};BlobEndpoint=http://127.0.0.1:{port}/{AzuriteProcess.AccountName};";
            using var metrics = new StorageMetrics();
            using var recorder = new StorageErrorRecorder(metrics);
            var retry = new ResultStoreRetryOptions
            {
                InitialDelay = TimeSpan.FromMilliseconds(50), MaxDelay = TimeSpan.FromMilliseconds(100),
                TimeLimit = TimeSpan.FromSeconds(2), AttemptTimeout = TimeSpan.FromMilliseconds(300),
            };
            var store = BlobResultStore.Create(connectionString, "results", retry, metrics);

            var error = await Assert.ThrowsAsync<ResultStoreException>(() => store.WriteAsync("t", "j", Pngs(1, 25), Json("{}")));

            Assert.Contains("time limit", error.Message);
            Assert.Contains("timeout", error.Message, StringComparison.OrdinalIgnoreCase);
            Assert.True(recorder.Errors.Count(e => e.Outcome == "retry") >= 2, string.Join(", ", recorder.Errors));
        }
        finally
        {
            silent.Stop();
        }
    }

    private static async Task<bool> BlobExistsAsync(AzuriteProcess azurite, string container, string name) =>
        (await new BlobContainerClient(azurite.ConnectionString, container).GetBlobClient(name).ExistsAsync()).Value;
}
