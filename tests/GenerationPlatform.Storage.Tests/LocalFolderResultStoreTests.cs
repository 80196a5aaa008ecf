namespace GenerationPlatform.Storage;

public sealed class LocalFolderResultStoreTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("genplat-results-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    internal static ReadOnlyMemory<byte>[] Pngs(int count, int seed) =>
        Enumerable.Range(1, count).Select(k => (ReadOnlyMemory<byte>)Enumerable.Range(0, 64 + k).Select(i => (byte)(i * 31 + k * 7 + seed)).ToArray()).ToArray();

    internal static byte[] Json(string text) => System.Text.Encoding.UTF8.GetBytes(text);

    [Fact]
    public async Task WriteThenReadRoundTripsPngsInRankOrderAndJson()
    {
        var store = new LocalFolderResultStore(_root);
        var pngs = Pngs(3, seed: 1);
        var json = Json("""{"job":"job-1","scores":[0.9,0.8,0.7]}""");

        var stored = await store.WriteAsync("tenant-a", "job-1", pngs, json);
        var read = await store.ReadAsync("tenant-a", "job-1");

        Assert.NotNull(read);
        Assert.Equal(stored.Location, read.Location);
        Assert.Equal(json, read.ResultJson);
        Assert.Equal(pngs.Select(p => p.ToArray()), read.TopPngs);
        Assert.Equal("folder", store.Kind);
    }

    [Fact]
    public async Task DeleteRemovesTheJobsFolderAndNoOtherAndIsIdempotent()
    {
        var store = new LocalFolderResultStore(_root);
        Assert.False(await store.DeleteAsync("tenant-a", "job-1"));
        await store.WriteAsync("tenant-a", "job-1", Pngs(2, seed: 1), Json("{}"));
        await store.WriteAsync("tenant-a", "job-2", Pngs(1, seed: 2), Json("{}"));

        Assert.True(await store.DeleteAsync("tenant-a", "job-1"));

        Assert.False(Directory.Exists(Path.Combine(_root, "tenant-a", "job-1")));
        Assert.Null(await store.ReadAsync("tenant-a", "job-1"));
        Assert.NotNull(await store.ReadAsync("tenant-a", "job-2"));
        Assert.False(await store.DeleteAsync("tenant-a", "job-1"));
    }

    [Fact]
    public async Task LayoutIsTenantJobTopKThenResultJsonWrittenLastWithFileUriLocation()
    {
        var store = new LocalFolderResultStore(_root);
        var stored = await store.WriteAsync("tenant-a", "job.2_x-y", Pngs(2, seed: 2), Json("{}"));

        var folder = Path.Combine(_root, "tenant-a", "job.2_x-y");
        Assert.Equal(["result.json", "top-1.png", "top-2.png"], Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(["top-1.png", "top-2.png", "result.json"], stored.Names);
        var location = new Uri(stored.Location);
        Assert.True(location.IsFile);
        Assert.Equal(Path.Combine(folder, "result.json"), location.LocalPath);
        Assert.Equal([folder], Directory.GetDirectories(Path.Combine(_root, "tenant-a")));
    }

    [Fact]
    public async Task ReadIsNullWithoutResultJsonEvenWhenPngsExist()
    {
        var store = new LocalFolderResultStore(_root);
        Assert.Null(await store.ReadAsync("tenant-a", "never-written"));

        var folder = Directory.CreateDirectory(Path.Combine(_root, "tenant-a", "half")).FullName;
        await File.WriteAllBytesAsync(Path.Combine(folder, "top-1.png"), Pngs(1, 3)[0].ToArray());
        Assert.Null(await store.ReadAsync("tenant-a", "half"));
    }

    [Fact]
    public async Task ARewriteWithFewerOutputsReadsBackOnlyTheNewOnes()
    {
        var store = new LocalFolderResultStore(_root);
        await store.WriteAsync("t", "j", Pngs(3, seed: 4), Json("""{"v":1}"""));
        var second = Pngs(1, seed: 5);
        await store.WriteAsync("t", "j", second, Json("""{"v":2}"""));

        var read = await store.ReadAsync("t", "j");
        Assert.NotNull(read);
        Assert.Equal([second[0].ToArray()], read.TopPngs);
        Assert.Equal(Json("""{"v":2}"""), read.ResultJson);
        Assert.False(File.Exists(Path.Combine(_root, "t", "j", "top-2.png")));
    }

    public static TheoryData<string?> BadIds => new()
    {
        null, "", ".", "..", "../x", "a/b", "a\\b", "/abs", "a b", "tenant%2F", "é", new string('a', 129),
    };

    [Theory]
    [MemberData(nameof(BadIds))]
    public async Task BadTenantOrJobIdsAreRejectedNamingTheParameter(string? bad)
    {
        var store = new LocalFolderResultStore(_root);
        var tenant = await Assert.ThrowsAsync<ArgumentException>(() => store.WriteAsync(bad!, "job", Pngs(1, 6), Json("{}")));
        Assert.Equal("tenantId", tenant.ParamName);
        var job = await Assert.ThrowsAsync<ArgumentException>(() => store.WriteAsync("tenant", bad!, Pngs(1, 6), Json("{}")));
        Assert.Equal("jobId", job.ParamName);
        var read = await Assert.ThrowsAsync<ArgumentException>(() => store.ReadAsync("tenant", bad!));
        Assert.Equal("jobId", read.ParamName);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_root));
    }

    [Fact]
    public void LongestAndDottedIdsAreAccepted()
    {
        Assert.True(StorageSegment.IsValid(new string('a', 128)));
        Assert.True(StorageSegment.IsValid("..."));
        Assert.True(StorageSegment.IsValid("A.b_c-9"));
    }

    [Fact]
    public async Task AFailureMidWriteThrowsWithTheCauseAndLeavesNoResultJsonNorTempFiles()
    {
        using var metrics = new StorageMetrics();
        using var recorder = new StorageErrorRecorder(metrics);
        var retry = new ResultStoreRetryOptions { MaxAttempts = 3, InitialDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromMilliseconds(20) };
        var store = new LocalFolderResultStore(_root, retry, metrics);
        // A directory where the second PNG must go: renaming the finished temp file onto it fails (even as root).
        var folder = Path.Combine(_root, "t", "j");
        Directory.CreateDirectory(Path.Combine(folder, "top-2.png"));

        var error = await Assert.ThrowsAsync<ResultStoreException>(() => store.WriteAsync("t", "j", Pngs(3, 7), Json("{}")));

        Assert.Contains("top-2.png", error.Message);
        Assert.NotNull(error.InnerException);
        Assert.Contains(error.InnerException.GetType().Name, error.Message);
        Assert.False(File.Exists(Path.Combine(folder, "result.json")));
        Assert.False(File.Exists(Path.Combine(folder, "top-3.png")));
        var files = Directory.GetFiles(folder, "*", new EnumerationOptions { AttributesToSkip = 0 }).Select(Path.GetFileName);
        Assert.Equal(["top-1.png"], files); // no temp file left behind
        Assert.Null(await store.ReadAsync("t", "j"));
        Assert.Contains(recorder.Errors, e => e is ("folder", "write", "failed"));
    }

    [Fact]
    public async Task ATransientIoFailureIsRetriedUntilTheWriteSucceeds()
    {
        using var metrics = new StorageMetrics();
        using var recorder = new StorageErrorRecorder(metrics);
        var retry = new ResultStoreRetryOptions { InitialDelay = TimeSpan.FromMilliseconds(20), MaxDelay = TimeSpan.FromMilliseconds(50), TimeLimit = TimeSpan.FromSeconds(20) };
        var store = new LocalFolderResultStore(_root, retry, metrics);
        var blocker = Directory.CreateDirectory(Path.Combine(_root, "t", "j", "top-2.png"));

        var write = store.WriteAsync("t", "j", Pngs(2, 8), Json("{}"));
        while (recorder.Errors.Count == 0 && !write.IsCompleted) await Task.Delay(10);
        Assert.False(write.IsCompleted, write.Exception?.ToString());
        blocker.Delete();
        await write.WaitAsync(TimeSpan.FromSeconds(15));

        Assert.NotNull(await store.ReadAsync("t", "j"));
        Assert.All(recorder.Errors, e => Assert.Equal(("folder", "write", "retry"), e));
    }

    [Fact]
    public async Task AReadGivesUpAfterItsShortLimitWhileAWriteMayRetryForLong()
    {
        var retry = new ResultStoreRetryOptions
        {
            InitialDelay = TimeSpan.FromMilliseconds(20), MaxDelay = TimeSpan.FromMilliseconds(50),
            TimeLimit = TimeSpan.FromMinutes(5), ReadTimeLimit = TimeSpan.FromMilliseconds(500),
        };
        var store = new LocalFolderResultStore(_root, retry);
        await store.WriteAsync("t", "j", Pngs(1, 8), Json("{}"));
        // result.json held exclusively by another handle: every read attempt fails with a transient I/O error.
        using var held = new FileStream(Path.Combine(_root, "t", "j", "result.json"), FileMode.Open, FileAccess.ReadWrite, FileShare.None);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Assert.ThrowsAsync<ResultStoreException>(() => store.ReadAsync("t", "j"));
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(400), $"the read gave up after {clock.Elapsed}: it was not retried");
        // A caller waits on a read: it fails after its own limit, not the write's five minutes.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"the read took {clock.Elapsed}");
    }
}
