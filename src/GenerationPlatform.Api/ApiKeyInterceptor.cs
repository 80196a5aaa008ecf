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

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Admit(context);
        return continuation(request, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Admit(context);
        return continuation(request, responseStream, context);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context,
        ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Admit(context);
        return continuation(requestStream, context);
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Admit(context);
        return continuation(requestStream, responseStream, context);
    }

    private void Admit(ServerCallContext context)
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
            if (limits.FailedFrom(address) is { } blocked)
                throw Exhausted(context, blocked, $"authorization: too many failed authentications from this address; retry in {Seconds(blocked)} s");
            throw;
        }
        bool job = context.Method.EndsWith("/Submit", StringComparison.Ordinal) || context.Method.EndsWith("/Generate", StringComparison.Ordinal);
        if (limits.RefuseCall(tenant, job) is { } wait)
        {
            ApiMetrics.RateLimited.Add(1, new KeyValuePair<string, object?>("tenant", tenant));
            throw Exhausted(context, wait, $"rate: this tenant's {(job ? "jobs" : "calls")} are over its rate limit; retry in {Seconds(wait)} s");
        }
        context.UserState[CallTenant.Key] = tenant;
    }

    private static RpcException Exhausted(ServerCallContext context, TimeSpan wait, string message)
    {
        // Over HTTP/JSON the transcoding answers 429; Retry-After tells an HTTP client when.
        context.GetHttpContext().Response.Headers.RetryAfter = Seconds(wait);
        return new RpcException(new Status(StatusCode.ResourceExhausted, message),
            new Metadata { { PushbackTrailer, ((long)Math.Ceiling(wait.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture) } });
    }

    private static string Seconds(TimeSpan wait) => Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
