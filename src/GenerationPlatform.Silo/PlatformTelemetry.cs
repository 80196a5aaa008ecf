using GenerationPlatform.Api;
using GenerationPlatform.Search;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace GenerationPlatform.Silo;

/// <summary>
/// Traces and metrics for a silo host, in one place every host calls once (the eShop
/// ServiceDefaults habit): our own source and meter, Orleans' activity sources and meter, ASP.NET
/// Core (the gRPC calls), the runtime; Prometheus text on the HTTP port; OTLP when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the standard OpenTelemetry variables configure it).
/// </summary>
public static class PlatformTelemetry
{
    /// <summary>The meter of the result store (GenerationPlatform.Storage), exported with ours.</summary>
    public const string StorageMeter = "GenerationPlatform.Storage";

    /// <summary>Orleans' meter (grain calls, activations, membership, messaging).</summary>
    public const string OrleansMeter = "Microsoft.Orleans";

    /// <summary>1 while this silo's host runs: a count of these series is the number of silos scraped.</summary>
    private static readonly System.Diagnostics.Metrics.ObservableGauge<int> SiloUp =
        SearchTelemetry.Meter.CreateObservableGauge("genplat.silo.up", () => 1, null, "1 while the silo host runs");

    /// <summary>
    /// 1, labelled with the libtorch this process runs on (its version, source and whether CUDA is available) and the GPUs the
    /// driver sees: what a dashboard shows to tell GPU silos from CPU ones, and a silo that lost its GPU.
    /// </summary>
    private static readonly System.Diagnostics.Metrics.ObservableGauge<int> LibTorch = SearchTelemetry.Meter.CreateObservableGauge(
        "genplat.libtorch.info", LibTorchMeasurements, null, "1, labelled with the libtorch in use and the GPUs the driver sees");

    private static IEnumerable<System.Diagnostics.Metrics.Measurement<int>> LibTorchMeasurements()
    {
        if (GenerationPlatform.Diffusion.LibTorch.LibTorchRuntime.Current is not { } info) yield break;
        yield return new(1, new KeyValuePair<string, object?>("version", info.Version), new KeyValuePair<string, object?>("source", info.Source),
            new KeyValuePair<string, object?>("cuda", info.CudaAvailable ? "true" : "false"),
            new KeyValuePair<string, object?>("devices", string.Join("; ", info.Devices.Select(d => d.Name))));
    }

    /// <param name="configureTracing">Extra tracing setup, e.g. an in-memory exporter in tests.</param>
    public static IServiceCollection AddPlatformTelemetry(this IServiceCollection services, IConfiguration configuration, string serviceInstance,
        Action<TracerProviderBuilder>? configureTracing = null)
    {
        _ = SiloUp;
        _ = LibTorch;
        var otel = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName: configuration["OTEL_SERVICE_NAME"] ?? "genplat-silo", serviceInstanceId: serviceInstance))
            .WithTracing(tracing =>
            {
                tracing.AddSource(SearchTelemetry.Name, Orleans.Diagnostics.ActivitySources.AllActivitySourceName)
                    .AddAspNetCoreInstrumentation(o => o.Filter = http => !IsScrapeOrProbe(http.Request.Path));
                configureTracing?.Invoke(tracing);
            })
            .WithMetrics(metrics => metrics
                .AddMeter(SearchTelemetry.Name, StorageMeter, OrleansMeter)
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation()
                .AddPrometheusExporter());
        if (!string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"])) otel.UseOtlpExporter();
        return services;
    }

    /// <summary>Prometheus text at <c>/metrics</c>, answered only to connections on the silo's HTTP port (not on the gRPC port).</summary>
    public static IEndpointConventionBuilder MapPlatformMetrics(this IEndpointRouteBuilder endpoints, int httpPort) =>
        endpoints.MapPrometheusScrapingEndpoint("/metrics").RequireLocalPort(httpPort);

    private static bool IsScrapeOrProbe(Microsoft.AspNetCore.Http.PathString path) =>
        path.StartsWithSegments("/metrics") || path.StartsWithSegments("/healthz");
}
