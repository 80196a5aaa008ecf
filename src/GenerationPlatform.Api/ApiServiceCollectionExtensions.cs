using GenerationPlatform.Configuration;
using System.IO.Compression;
using Grpc.AspNetCore.Server;
using Grpc.Net.Compression;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace GenerationPlatform.Api;

public static class ApiServiceCollectionExtensions
{
    /// <summary>The category Grpc.AspNetCore logs each call's outcome under, at Information: a refused message's stack trace included.</summary>
    private const string GrpcCallLog = "Grpc.AspNetCore.Server.ServerCallHandler";

    /// <summary>
    /// The gRPC API (GenerationService, the standard health service, server reflection), its options
    /// (GenerationPlatform:Auth, GenerationPlatform:Api:Limits; validated at start), message size
    /// limits (after decompression too) and endpoint scoping by local port. The host provides
    /// IGrainFactory (a co-hosted silo or an Orleans client), an IResultStore, and the silo's model and
    /// ONNX verifier options (AddGenerationPlatformGrains binds them), which the served catalogue lists.
    /// </summary>
    public static IServiceCollection AddGenerationApi(this IServiceCollection services)
    {
        // Keys follow their configuration: rotated without a restart, a bad reload refused.
        services.AddReloadedOptions<ApiKeyOptions>(ApiKeyOptions.Section, o => o.Problems());
        services.AddValidatedOptions<RequestLimits>(RequestLimits.Section, o => o.Problems());
        services.AddValidatedOptions<RateLimitOptions>(RateLimitOptions.Section, o => o.Problems());
        services.TryAddSingleton<EdgeRateLimiter>();
        services.AddValidatedOptions<JobIdOptions>(JobIdOptions.Section, o => o.Problems());
        services.TryAddSingleton<JobIds>();
        services.TryAddSingleton<PageTokens>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ApiKeyAuthenticator>();
        // GenerationPlatform:Models is bound once, by the silo (binding a list twice would list every folder twice).
        services.TryAddSingleton<ModelCatalogue>();
        services.TryAddSingleton<IServedCatalog, ConfiguredCatalog>();
        services.TryAddSingleton<CompletedResultCache>();
        services.TryAddSingleton<WatchStreamSlots>();
        services.AddHostedService<RefusedRequestReporter>();
        services.AddLocalPortRouting();
        services.TryAddSingleton<ApiKeyInterceptor>();
        services.AddGrpc().AddServiceOptions<GenerationApi>(o => o.Interceptors.Add<ApiKeyInterceptor>());
        services.AddOptions<GrpcServiceOptions>().Configure<Microsoft.Extensions.Options.IOptions<RequestLimits>>((grpc, limits) =>
        {
            grpc.MaxReceiveMessageSize = limits.Value.MaxReceiveMessageBytes;
            grpc.MaxSendMessageSize = limits.Value.MaxSendMessageBytes;
            grpc.EnableDetailedErrors = false;
            // gzip only, and inflated no further than the size limit; other encodings are UNIMPLEMENTED.
            grpc.CompressionProviders = [new CappedDecompression(new GzipCompressionProvider(CompressionLevel.Fastest), limits.Value.MaxReceiveMessageBytes)];
        });
        // Refused calls are the caller's doing and cost a log line each: RefusedRequestReporter counts the pre-authentication ones.
        services.AddLogging(logging => logging.AddFilter(GrpcCallLog, LogLevel.Warning));
        services.AddGrpcHealthChecks().AddCheck<StartedHealthCheck>("started");
        services.TryAddSingleton(_ => new StrictReflection(StrictReflection.Served));
        services.TryAddSingleton(_ => new StrictReflectionV1(StrictReflection.Served));
        return services;
    }

    /// <summary>
    /// GenerationService as HTTP/JSON too (gRPC JSON transcoding at the routes of the proto's google.api.http options),
    /// and its OpenAPI document. Call after <see cref="AddGenerationApi"/>, and map with a JSON port
    /// (<see cref="MapGenerationApi"/>): the routes are served only there.
    /// </summary>
    public static IServiceCollection AddGenerationHttpJson(this IServiceCollection services)
    {
        services.AddGrpc().AddJsonTranscoding();
        services.AddGrpcSwagger();
        services.AddSwaggerGen(HttpJson.DescribeOpenApi);
        // One line per refused call at Information, as for gRPC calls (GrpcCallLog): the caller's doing.
        services.AddLogging(logging => logging.AddFilter(HttpJson.TranscodedCallLog, LogLevel.Warning));
        return services;
    }

    /// <summary>
    /// Maps the API's gRPC services; <paramref name="localPort"/> serves them only to connections on the gRPC port.
    /// With <paramref name="jsonPort"/> (after <see cref="AddGenerationHttpJson"/>), GenerationService's HTTP/JSON routes
    /// and the OpenAPI document (<see cref="HttpJson.OpenApiRoute"/>) are served only to connections on that port.
    /// </summary>
    public static IEndpointRouteBuilder MapGenerationApi(this IEndpointRouteBuilder endpoints, int? localPort = null, int? jsonPort = null)
    {
        // One service, two kinds of endpoints: its gRPC methods on the gRPC port, its transcoded routes on the JSON port
        // (and on no port at all without one: never next to the health endpoints or unrestricted).
        endpoints.MapGrpcService<GenerationApi>().RequireLocalPort(e => HttpJson.IsTranscoded(e.Metadata) ? jsonPort ?? LocalPortRouting.NoPort : localPort);
        Restrict(endpoints.MapGrpcHealthChecksService(), localPort);
        Restrict(endpoints.MapGrpcService<StrictReflection>(), localPort);
        Restrict(endpoints.MapGrpcService<StrictReflectionV1>(), localPort);
        if (jsonPort is { } json)
        {
            endpoints.MapSwagger(HttpJson.OpenApiRoute).RequireLocalPort(json);
            // A path no route takes (GET /v1/job, a typo) says so, in the API's own error shape, instead of an empty 404.
            var openApi = HttpJson.OpenApiRoute.Replace("{documentName}", "v1", StringComparison.Ordinal);
            endpoints.MapFallback("{*path}", context => HttpJsonRequestCheck.WriteStatusAsync(context.Response, StatusCodes.Status404NotFound,
                Grpc.Core.StatusCode.NotFound, $"{context.Request.Method} {context.Request.Path}: no such route; the routes are in docs/API.md and GET {openApi}"))
                .RequireLocalPort(json);
        }
        return endpoints;
    }

    private static void Restrict(IEndpointConventionBuilder endpoint, int? localPort)
    {
        if (localPort is { } port) endpoint.RequireLocalPort(port);
    }
}
