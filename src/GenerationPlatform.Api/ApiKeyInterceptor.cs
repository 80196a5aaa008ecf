using Grpc.Core;
using Grpc.Core.Interceptors;

namespace GenerationPlatform.Api;

/// <summary>
/// Authenticates every call of the tenants' service (gRPC and its HTTP/JSON transcoding alike) before its handler runs,
/// and hands the handler the caller's tenant (<see cref="CallTenant.Tenant"/>): no handler can forget it. Health and
/// reflection, which carry no tenant data, are not behind it.
/// </summary>
public sealed class ApiKeyInterceptor(ApiKeyAuthenticator keys) : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Authenticate(context);
        return continuation(request, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Authenticate(context);
        return continuation(request, responseStream, context);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context,
        ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Authenticate(context);
        return continuation(requestStream, context);
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Authenticate(context);
        return continuation(requestStream, responseStream, context);
    }

    private void Authenticate(ServerCallContext context) => context.UserState[CallTenant.Key] = keys.Authenticate(context);
}
