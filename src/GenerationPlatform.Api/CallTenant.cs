using Grpc.Core;

namespace GenerationPlatform.Api;

/// <summary>The tenant <see cref="ApiKeyInterceptor"/> authenticated for a call.</summary>
public static class CallTenant
{
    internal const string Key = "genplat.tenant";

    /// <summary>The calling tenant; only calls behind the interceptor have one.</summary>
    public static string Tenant(this ServerCallContext context) =>
        context.UserState.TryGetValue(Key, out var tenant) && tenant is string t ? t
            : throw new InvalidOperationException("the call was not authenticated: GenerationService must be behind ApiKeyInterceptor");
}
