using GenerationPlatform.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace GenerationPlatform.Silo;

/// <summary>
/// The platform host (<see cref="PlatformHost"/>) as a process runs it, the silo executable (genplat-silo) and
/// <c>genplat serve</c> alike: warnings and errors logged on stderr, its endpoints on stdout, running until stopped.
/// </summary>
public static class PlatformProcess
{
    /// <summary>
    /// Builds and starts the host (configuration: appsettings.json, GenerationPlatform__... environment variables,
    /// <paramref name="args"/>, then <paramref name="overrides"/>). A port that cannot be bound is an <see cref="IOException"/>.
    /// </summary>
    public static async Task<WebApplication> StartAsync(string[] args, IEnumerable<KeyValuePair<string, string?>>? overrides, CancellationToken cancellationToken)
    {
        var builder = PlatformHost.CreateBuilder(args, overrides);
        builder.Logging.SetMinimumLevel(LogLevel.Warning).AddFilter("Orleans.Runtime.Silo", LogLevel.Error); // not its GC notes
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace); // stdout: the endpoints only
        return await PlatformHost.StartAsync(builder, cancellationToken);
    }

    /// <summary>
    /// Prints where <paramref name="app"/> listens, each line under <paramref name="title"/>, and when its models are warm (it is ready), then waits until it is
    /// stopped (Ctrl+C, SIGTERM or <paramref name="cancellationToken"/>): in-flight calls end, the silo leaves the cluster.
    /// </summary>
    /// <param name="tenants">What the tenants line says: the development tenants' names, or where tenants come from.</param>
    public static async Task RunUntilStoppedAsync(WebApplication app, string title, string tenants, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(app);
        var endpoints = PlatformHost.Endpoints(app);
        var store = app.Services.GetRequiredService<IResultStore>();
        Console.WriteLine($"{title}: {endpoints.Mode} silo running");
        Console.WriteLine($"  gRPC (HTTP/2, no TLS): {endpoints.Grpc}");
        if (endpoints.Json is { } json)
        {
            Console.WriteLine($"  HTTP/JSON (HTTP/1.1):  {json}/v1/models (docs/API.md)");
            if (app.Services.GetRequiredService<WebConsole.WebConsoleOptions>().Enabled)
                Console.WriteLine($"  web console:           {json}{WebConsole.WebConsoleEndpoints.Path}/ (docs/CONSOLE.md)");
        }
        Console.WriteLine($"  HTTP health:           {endpoints.Http}{PlatformHost.LivePath}, {endpoints.Http}{PlatformHost.ReadyPath}");
        Console.WriteLine($"  results:               {(store is LocalFolderResultStore local ? local.RootPath : store.Kind)}");
        Console.WriteLine($"  tenants:               {tenants}");
        Console.WriteLine($"  {app.Services.GetRequiredService<GenerationPlatform.Diffusion.LibTorch.LibTorchInfo>().Summary()}");
        Console.WriteLine("Warming the models (loading them, settling their batch caps) before the readiness probe passes; Ctrl+C stops it.");
        try
        {
            var warm = await PlatformHost.WaitUntilWarmAsync(app, cancellationToken);
            Console.WriteLine($"{title}: ready, {warm.Models.Count} models warm in {warm.Elapsed.TotalSeconds:F1} s (a first job runs as fast as the next)");
            foreach (var line in warm.Models) Console.WriteLine($"  {line}");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { }
        await app.WaitForShutdownAsync(cancellationToken);
        Console.WriteLine($"{title}: stopped");
    }
}
