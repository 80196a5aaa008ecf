using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GenerationPlatform.Storage;

public sealed class ResultStoreOptionsTests
{
    private static ServiceProvider Services(Dictionary<string, string?> settings) =>
        new ServiceCollection()
            .AddResultStore(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .BuildServiceProvider();

    [Fact]
    public void DefaultIsTheFolderStoreUnderResultsInTheWorkingDirectory()
    {
        using var services = Services([]);
        var store = Assert.IsType<LocalFolderResultStore>(services.GetRequiredService<IResultStore>());
        Assert.Equal(Path.GetFullPath("results"), store.RootPath);
    }

    [Fact]
    public void KeysBindFromConfigurationIncludingRetryDurations()
    {
        var root = Path.Combine(Path.GetTempPath(), "genplat-options-root");
        using var services = Services(new()
        {
            ["GenerationPlatform:Results:Kind"] = "folder",
            ["GenerationPlatform:Results:Path"] = root,
            ["GenerationPlatform:Results:Retry:MaxAttempts"] = "7",
            ["GenerationPlatform:Results:Retry:InitialDelay"] = "00:00:00.150",
            ["GenerationPlatform:Results:Retry:MaxDelay"] = "00:00:03",
            ["GenerationPlatform:Results:Retry:TimeLimit"] = "00:02:00",
            ["GenerationPlatform:Results:Retry:AttemptTimeout"] = "00:00:20",
        });
        var options = services.GetRequiredService<IOptions<ResultStoreOptions>>().Value;
        Assert.Equal(7, options.Retry.MaxAttempts);
        Assert.Equal(TimeSpan.FromMilliseconds(150), options.Retry.InitialDelay);
        Assert.Equal(TimeSpan.FromSeconds(3), options.Retry.MaxDelay);
        Assert.Equal(TimeSpan.FromMinutes(2), options.Retry.TimeLimit);
        Assert.Equal(TimeSpan.FromSeconds(20), options.Retry.AttemptTimeout);
        Assert.Equal(root, Assert.IsType<LocalFolderResultStore>(services.GetRequiredService<IResultStore>()).RootPath);
    }

    [Fact]
    public void BlobKindBuildsTheBlobStoreOnTheConfiguredContainer()
    {
        using var services = Services(new()
        {
            ["GenerationPlatform:Results:Kind"] = "blob",
            ["GenerationPlatform:Results:ConnectionString"] = "UseDevelopmentStorage=true",
            ["GenerationPlatform:Results:Container"] = "tenant-results",
        });
        var store = Assert.IsType<BlobResultStore>(services.GetRequiredService<IResultStore>());
        Assert.Equal("blob", store.Kind);
        Assert.EndsWith("/devstoreaccount1/tenant-results", store.ContainerUri.AbsoluteUri);
    }

    [Theory]
    [InlineData("Kind", "s3", "GenerationPlatform:Results:Kind must be 'folder' or 'blob'")]
    [InlineData("Retry:MaxAttempts", "0", "GenerationPlatform:Results:Retry:MaxAttempts must be at least 1")]
    [InlineData("Retry:MaxDelay", "00:00:00.050", "GenerationPlatform:Results:Retry:MaxDelay")]
    [InlineData("Retry:TimeLimit", "00:00:00", "GenerationPlatform:Results:Retry:TimeLimit must be positive")]
    [InlineData("Retry:TimeLimit", "30.00:00:00", "GenerationPlatform:Results:Retry:TimeLimit must be positive and at most one day")]
    [InlineData("Retry:InitialDelay", "-00:00:01", "GenerationPlatform:Results:Retry:InitialDelay must not be negative")]
    [InlineData("Retry:AttemptTimeout", "00:00:00", "GenerationPlatform:Results:Retry:AttemptTimeout must be positive")]
    [InlineData("Path", " ", "GenerationPlatform:Results:Path must name the results folder")]
    public void InvalidSettingsFailAtStartNamingTheKey(string key, string value, string expected)
    {
        using var services = Services(new() { ["GenerationPlatform:Results:" + key] = value });
        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains(expected, error.Message);
        Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IResultStore>());
    }

    [Theory]
    [InlineData(null, "results", "GenerationPlatform:Results:ConnectionString is required")]
    [InlineData("not a connection string", "results", "GenerationPlatform:Results:ConnectionString is not a valid")]
    [InlineData("UseDevelopmentStorage=true", "Results", "GenerationPlatform:Results:Container 'Results' is not a valid container name")]
    [InlineData("UseDevelopmentStorage=true", "a--b", "GenerationPlatform:Results:Container 'a--b'")]
    public void InvalidBlobSettingsFailAtStartNamingTheKey(string? connectionString, string container, string expected)
    {
        using var services = Services(new()
        {
            ["GenerationPlatform:Results:Kind"] = "blob",
            ["GenerationPlatform:Results:ConnectionString"] = connectionString,
            ["GenerationPlatform:Results:Container"] = container,
        });
        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains(expected, error.Message);
        Assert.DoesNotContain("not a connection string", error.Message); // secrets never echoed
    }

    [Fact]
    public void DefaultRetryPolicyKeepsTryingThroughAMinuteLongOutage()
    {
        var defaults = new ResultStoreRetryOptions();
        var retry = new StorageRetry(defaults, new StorageMetrics(), "folder", _ => true,
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        var waits = Enumerable.Range(1, defaults.MaxAttempts - 1).Select(retry.NominalDelay).ToList();

        Assert.True(defaults.TimeLimit >= TimeSpan.FromSeconds(60));
        // Jitter can shorten each wait to 80 %.
        Assert.True(waits.Sum(w => w.TotalSeconds) * 0.8 >= 60, $"waits add up to {waits.Sum(w => w.TotalSeconds)} s");
        Assert.Equal(defaults.InitialDelay, waits[0]);
        Assert.Equal(defaults.InitialDelay * 2, waits[1]);
        Assert.Equal(defaults.MaxDelay, waits[^1]);
    }

    [Fact]
    public void BlobClientLeavesRetryingToTheStorePolicy()
    {
        var options = BlobResultStore.CreateClientOptions(new ResultStoreRetryOptions { AttemptTimeout = TimeSpan.FromSeconds(12) });
        Assert.Equal(0, options.Retry.MaxRetries);
        Assert.Equal(TimeSpan.FromSeconds(12), options.Retry.NetworkTimeout);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(ResultStoreOptions.MaxRetentionDays + 1)]
    public void RetentionOutOfItsRangeIsRefusedNamingTheKey(int days)
    {
        var problem = Assert.Single(new ResultStoreOptions { RetentionDays = days }.Problems());
        Assert.StartsWith("GenerationPlatform:Results:RetentionDays must be 0", problem);
        Assert.Contains($"(got {days})", problem);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(30)]
    [InlineData(ResultStoreOptions.MaxRetentionDays)]
    public void RetentionWithinItsRangeIsAccepted(int days) => Assert.Empty(new ResultStoreOptions { RetentionDays = days }.Problems());
}
