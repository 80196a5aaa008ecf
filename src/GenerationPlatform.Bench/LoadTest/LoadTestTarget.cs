using System.Globalization;
using System.Security.Cryptography;
using GenerationPlatform.Silo;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace GenerationPlatform.Bench.LoadTest;

/// <summary>
/// The platform under load and its tenants: a running one at --address with the tenants given, or an embedded one (as
/// <c>genplat serve</c> runs it) on free loopback ports with tenants of its own, stopped with its results on dispose.
/// </summary>
internal sealed class LoadTestTarget : IAsyncDisposable
{
    private readonly WebApplication? app;
    private readonly string? resultsFolder;

    private LoadTestTarget(Uri address, IReadOnlyList<(string Name, string Key)> tenants, WebApplication? app, string? resultsFolder)
    {
        (Address, Tenants, this.app, this.resultsFolder) = (address, tenants, app, resultsFolder);
    }

    public Uri Address { get; }
    public IReadOnlyList<(string Name, string Key)> Tenants { get; }
    public bool IsEmbedded => app is not null;

    public static async Task<LoadTestTarget> StartAsync(LoadTestSettings settings, CancellationToken ct)
    {
        if (settings.Address is { } address) return new LoadTestTarget(address, settings.Tenants, null, null);
        var keys = Enumerable.Range(0, settings.EmbeddedTenants)
            .Select(i => (i == 0 ? "flood" : $"light{i}", Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))))
            .ToList();
        var results = Directory.CreateTempSubdirectory("genplat-loadtest-").FullName;
        try
        {
            var app = await StartEmbeddedAsync(keys, settings.MaxConcurrentJobs, results, ct);
            return new LoadTestTarget(new Uri(PlatformHost.Endpoints(app).Grpc), keys, app, results);
        }
        catch
        {
            Delete(results);
            throw;
        }
    }

    /// <summary>The embedded platform with the tenants' key hashes and one quota for all.</summary>
    private static async Task<WebApplication> StartEmbeddedAsync(List<(string Name, string Key)> keys, int maxConcurrentJobs, string resultsFolder, CancellationToken ct)
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
        }, ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.StopAsync(CancellationToken.None);
            await app.DisposeAsync();
        }
        if (resultsFolder is not null) Delete(resultsFolder);
    }

    private static void Delete(string folder)
    {
        try { Directory.Delete(folder, recursive: true); }
        catch (IOException) { }
    }
}
