using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace GenerationPlatform.Api;

/// <summary>
/// Tells the host's endpoints apart by the socket a request came in on (<c>HttpContext.Connection.LocalPort</c>),
/// not by its Host header or <c>:authority</c>, which the client chooses: behind an ingress, a port-forward or a
/// proxy the authority names some other host and port, and a client could name the other port to reach
/// endpoints that are not served on its own (RequireHost matched on the header). A request for an endpoint of
/// another port finds no endpoint: 404, which a gRPC client sees as UNIMPLEMENTED.
/// </summary>
public static class LocalPortRouting
{
    /// <summary>The routing policy that honours <see cref="RequireLocalPort"/>; idempotent.</summary>
    public static IServiceCollection AddLocalPortRouting(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<MatcherPolicy, LocalPortMatcherPolicy>());
        return services;
    }

    /// <summary>Serves the endpoints only to connections accepted on <paramref name="port"/>.</summary>
    public static TBuilder RequireLocalPort<TBuilder>(this TBuilder builder, int port) where TBuilder : IEndpointConventionBuilder
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(port);
        builder.Add(endpoint => endpoint.Metadata.Add(new LocalPortMetadata(port)));
        return builder;
    }

    /// <summary>For <see cref="RequireLocalPort{TBuilder}(TBuilder, Func{EndpointBuilder, int?})"/>: served to no connection (no socket has local port 0).</summary>
    public const int NoPort = 0;

    /// <summary>
    /// Serves each endpoint only to connections accepted on the port <paramref name="portOf"/> gives for it (called once
    /// the endpoint's own metadata is in place); <see cref="NoPort"/> serves it to none, null leaves it unrestricted.
    /// </summary>
    public static TBuilder RequireLocalPort<TBuilder>(this TBuilder builder, Func<EndpointBuilder, int?> portOf) where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint =>
        {
            if (portOf(endpoint) is not { } port) return;
            ArgumentOutOfRangeException.ThrowIfNegative(port);
            endpoint.Metadata.Add(new LocalPortMetadata(port));
        });
        return builder;
    }
}
