using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace GenerationPlatform.Silo;

/// <summary>
/// Every call to an endpoint of the Orleans dashboard (<see cref="DashboardEndpoint"/>) needs its password
/// (<see cref="PlatformDashboardOptions"/>): Basic authentication, or the password as a bearer token. Without it: 401 with
/// <c>WWW-Authenticate: Basic</c>, so that a browser asks. The password's SHA-256 and the user name are compared in
/// constant time, whichever part is wrong.
/// </summary>
public sealed class DashboardAuthentication(RequestDelegate next, PlatformDashboardOptions options)
{
    private const int MaxCredentialLength = 1024;
    private readonly byte[] password = options.PasswordSha256 is { Length: 64 } hash ? Convert.FromHexString(hash) : [];
    private readonly byte[] user = SHA256.HashData(Encoding.UTF8.GetBytes(options.User));

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<DashboardEndpoint>() is null || Authenticated(context.Request.Headers.Authorization))
        {
            await next(context);
            return;
        }
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Basic realm=\"genplat dashboard\", charset=\"UTF-8\"";
        context.Response.Headers.CacheControl = "no-store";
    }

    private bool Authenticated(Microsoft.Extensions.Primitives.StringValues values)
    {
        if (password.Length == 0 || values.Count != 1 || values[0] is not { Length: > 0 and <= MaxCredentialLength } header) return false;
        int space = header.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0) return false;
        var (scheme, value) = (header[..space], header[(space + 1)..].Trim());
        if (scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase)) return Matches(password, value);
        if (!scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase)) return false;
        string decoded;
        try { decoded = Encoding.UTF8.GetString(Convert.FromBase64String(value)); }
        catch (FormatException) { return false; }
        int colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0) return false;
        // Both compared whatever the first says: the time taken says nothing about which part was wrong.
        bool userMatches = CryptographicOperations.FixedTimeEquals(user, SHA256.HashData(Encoding.UTF8.GetBytes(decoded[..colon])));
        return Matches(password, decoded[(colon + 1)..]) & userMatches;
    }

    private static bool Matches(byte[] hash, string secret) => CryptographicOperations.FixedTimeEquals(hash, SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
