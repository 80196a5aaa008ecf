using System.Globalization;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace GenerationPlatform.Api;

/// <summary>
/// The edge of the tenants' service (gRPC and its HTTP/JSON transcoding alike), before any handler runs: a key is
/// authenticated and its tenant handed to the handler (<see cref="CallTenant.Tenant"/>), so no handler can forget it; the tenant's own rate limits apply
/// (<see cref="EdgeRateLimiter"/>); a client address that keeps failing authentication is answered RESOURCE_EXHAUSTED
/// instead of UNAUTHENTICATED until its bucket refills. Every refusal says whether and when a retry can pass: RESOURCE_EXHAUSTED with the
/// gRPC pushback trailer (<c>grpc-retry-pushback-ms</c>) and, over HTTP/JSON, 429 with <c>Retry-After</c>. Health and
/// reflection, which carry no tenant data, are not behind it.
/// </summary>
public sealed class ApiKeyInterceptor(ApiKeyAuthenticator keys, EdgeRateLimiter limits) : Interceptor
{
    /// <summary>The gRPC trailer that tells a client how long to wait before retrying (gRPC's retry pushback).</summary>
    public const string PushbackTrailer = "grpc-retry-pushback-ms";

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        await AdmitAsync(context);
        return await continuation(request, context);
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await AdmitAsync(context);
        await continuation(request, responseStream, context);
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await AdmitAsync(context);
        return await continuation(requestStream, context);
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await AdmitAsync(context);
        await continuation(requestStream, responseStream, context);
    }

    private async Task AdmitAsync(ServerCallContext context)
    {
        string tenant;
        try { tenant = keys.Authenticate(context); }
        catch (RpcException)
        {
            // A valid key passes whatever its address did: behind an ingress every tenant shares one address, and one
            // client's failures must not lock the others out. Failures count against the address; past its bucket they
            // are refused without saying whether the key was good, and cost the same.
            var address = context.GetHttpContext().Connection.RemoteIpAddress?.ToString() ?? "unknown";
            ApiMetrics.FailedAuthentications.Add(1);
            if (limits.FailedFrom(address) is not { } blocked) throw;
            throw await RefusalAsync(context, address, blocked, "authorization: too many failed authentications from this address");
        }
        bool job = context.Method.EndsWith("/Submit", StringComparison.Ordinal) || context.Method.EndsWith("/Generate", StringComparison.Ordinal);
        if (limits.RefuseCall(tenant, job) is { } wait)
        {
            ApiMetrics.RateLimited.Add(1, new KeyValuePair<string, object?>("tenant", tenant));
            throw await RefusalAsync(context, tenant, wait, $"rate: this tenant's {(job ? "jobs" : "calls")} are over its rate limit");
        }
        context.UserState[CallTenant.Key] = tenant;
    }

    /// <summary>A refusal, answered once the limiter has held it (what the pushback then says is what is left of the wait).</summary>
    private async Task<RpcException> RefusalAsync(ServerCallContext context, string key, TimeSpan wait, string message)
    {
        wait -= await limits.HoldAsync(key, wait, context.CancellationToken);
        return Exhausted(context, wait, $"{message}; retry in {Seconds(wait)} s");
    }

    private static RpcException Exhausted(ServerCallContext context, TimeSpan wait, string message)
    {
        // Over HTTP/JSON the transcoding answers 429; Retry-After tells an HTTP client when.
        context.GetHttpContext().Response.Headers.RetryAfter = Seconds(wait);
        long ms = Math.Max(1, (long)Math.Ceiling(wait.TotalMilliseconds));
        return new RpcException(new Status(StatusCode.ResourceExhausted, message), new Metadata { { PushbackTrailer, ms.ToString(CultureInfo.InvariantCulture) } });
    }

    private static string Seconds(TimeSpan wait) => Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
