using System.Security.Cryptography;
using System.Text;
using Grpc.Core;
using GenerationPlatform.Configuration;
using Microsoft.Extensions.Logging;

namespace GenerationPlatform.Api;

/// <summary>
/// Resolves the tenant of a call from <c>authorization: Bearer &lt;key&gt;</c>. The key's SHA-256 is
/// compared with every configured hash in constant time, so timing says nothing about which matched. The keys follow
/// their configuration (<see cref="ReloadedOptions{T}"/>): a rotated Secret or a reloaded file takes effect without a
/// restart, and a reload whose keys fail their check keeps the last good set (logged at Error, naming the key).
/// </summary>
public sealed class ApiKeyAuthenticator
{
    private const int MaxKeyLength = 512;
    private (string Tenant, byte[] Hash)[] keys;

    public ApiKeyAuthenticator(ReloadedOptions<ApiKeyOptions> options, ILogger<ApiKeyAuthenticator> logger)
    {
        keys = Index(options.Current);
        options.Changed += changed =>
        {
            var next = Index(changed);
            Volatile.Write(ref keys, next);
            ApiLog.KeysReloaded(logger, changed.Tenants.Count, next.Length);
        };
    }

    private static (string Tenant, byte[] Hash)[] Index(ApiKeyOptions options) =>
        options.Tenants.SelectMany(t => t.Value.KeySha256.Select(h => (t.Key, Convert.FromHexString(h)))).ToArray();

    /// <summary>The tenant of a key, or null for an unknown key.</summary>
    public string? TenantOf(string key)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(key));
        string? tenant = null;
        foreach (var (t, h) in Volatile.Read(ref keys))
            if (CryptographicOperations.FixedTimeEquals(hash, h)) tenant ??= t; // no early exit
        return tenant;
    }

    /// <summary>
    /// The calling tenant; UNAUTHENTICATED without a key or with an unknown one. The header is read from the HTTP request
    /// itself, not from the call's metadata, which a malformed binary header (<c>x-a-bin: A</c>) makes throw before anyone
    /// has authenticated.
    /// </summary>
    public string Authenticate(ServerCallContext context)
    {
        var values = context.GetHttpContext().Request.Headers.Authorization;
        // Two keys, or a key and something else: which one is meant is not for the server to guess.
        if (values.Count > 1) throw new RpcException(new Status(StatusCode.Unauthenticated, "authorization: send exactly one 'authorization: Bearer <api key>'"));
        var header = values.Count == 1 ? values[0] : null;
        if (string.IsNullOrEmpty(header))
            throw new RpcException(new Status(StatusCode.Unauthenticated, "authorization: missing; send 'authorization: Bearer <api key>'"));
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) || header.Length == scheme.Length || header.Length > scheme.Length + MaxKeyLength)
            throw new RpcException(new Status(StatusCode.Unauthenticated, "authorization: expected 'Bearer <api key>'"));
        return TenantOf(header[scheme.Length..].Trim())
            ?? throw new RpcException(new Status(StatusCode.Unauthenticated, "authorization: unknown API key"));
    }

    /// <summary>The hash to configure for a key (64 lowercase hex digits).</summary>
    public static string HashOf(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
