using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace GenerationPlatform.Api;

public static class ApiServiceCollectionExtensions
{
    /// <summary>
    /// The gRPC API (GenerationService, the standard health service, server reflection), its options
    /// (GenerationPlatform:Auth, GenerationPlatform:Api:Limits; validated at start) and message size
    /// limits. The host provides IGrainFactory (a co-hosted silo or an Orleans client) and an IResultStore.
    /// </summary>
    public static IServiceCollection AddGenerationApi(this IServiceCollection services)
    {
        services.AddOptions<ApiKeyOptions>().BindConfiguration(ApiKeyOptions.Section)
            .ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<ApiKeyOptions>, ProblemValidator<ApiKeyOptions>>(_ => new(o => o.Problem()));
        services.AddOptions<RequestLimits>().BindConfiguration(RequestLimits.Section).ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<RequestLimits>, ProblemValidator<RequestLimits>>(_ => new(o => o.Problem()));
        services.TryAddSingleton<ApiKeyAuthenticator>();
        services.TryAddSingleton<IServedCatalog, ConfiguredCatalog>();
        services.AddGrpc();
        services.AddOptions<GrpcServiceOptions>().Configure<Microsoft.Extensions.Options.IOptions<RequestLimits>>((grpc, limits) =>
        {
            grpc.MaxReceiveMessageSize = limits.Value.MaxReceiveMessageBytes;
            grpc.MaxSendMessageSize = limits.Value.MaxSendMessageBytes;
            grpc.EnableDetailedErrors = false;
        });
        services.AddGrpcHealthChecks().AddCheck<StartedHealthCheck>("started");
        services.AddGrpcReflection();
        return services;
    }

    /// <summary>Maps the API's gRPC services; <paramref name="hosts"/> restricts them to the gRPC port's endpoints.</summary>
    public static IEndpointRouteBuilder MapGenerationApi(this IEndpointRouteBuilder endpoints, params string[] hosts)
    {
        Restrict(endpoints.MapGrpcService<GenerationApi>(), hosts);
        Restrict(endpoints.MapGrpcHealthChecksService(), hosts);
        Restrict(endpoints.MapGrpcReflectionService(), hosts);
        return endpoints;
    }

    private static void Restrict(IEndpointConventionBuilder endpoint, string[] hosts)
    {
        if (hosts.Length > 0) endpoint.RequireHost(hosts);
    }
}

/// <summary>Reports the first problem of an options object, with the configuration key in the message.</summary>
internal sealed class ProblemValidator<T>(Func<T, string?> problem) : Microsoft.Extensions.Options.IValidateOptions<T> where T : class
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, T options) =>
        problem(options) is { } p ? Microsoft.Extensions.Options.ValidateOptionsResult.Fail(p) : Microsoft.Extensions.Options.ValidateOptionsResult.Success;
}
