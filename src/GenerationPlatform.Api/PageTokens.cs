using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace GenerationPlatform.Api;

/// <summary>
/// ListJobs' page tokens: the index position the next page starts after, with an HMAC-SHA256 of the tenant, the state
/// filter and the position under a key derived from the job-id key (<see cref="JobIdOptions"/>), base64url. A token is
/// read only by the tenant and with the filter it was issued for, so no caller can page another tenant's jobs or steer
/// the index query with a position of its own making.
/// </summary>
public sealed class PageTokens(IOptions<JobIdOptions> options)
{
    private const int MacBytes = 16;
    private readonly byte[] key = HMACSHA256.HashData(Convert.FromHexString(options.Value.Key), "genplat.page-tokens"u8);

    /// <summary>The token of the page after <paramref name="position"/>, for <paramref name="tenant"/> listing <paramref name="filter"/>.</summary>
    public string Issue(string position, string tenant, string filter)
    {
        var body = Encoding.UTF8.GetBytes(position);
        return Base64Url.EncodeToString(body) + "." + Base64Url.EncodeToString(Mac(tenant, filter, body));
    }

    /// <summary>The position a token issued to <paramref name="tenant"/> for <paramref name="filter"/> holds; null for any other string.</summary>
    public string? Read(string token, string tenant, string filter)
    {
        if (token.Length > JobListing.MaxPageTokenLength || token.Split('.') is not [var body, var mac]) return null;
        var position = Decoded(body);
        var given = Decoded(mac);
        if (position is null || given is not { Length: MacBytes }) return null;
        return CryptographicOperations.FixedTimeEquals(given, Mac(tenant, filter, position)) ? Encoding.UTF8.GetString(position) : null;
    }

    private byte[] Mac(string tenant, string filter, byte[] position) =>
        HMACSHA256.HashData(key, (byte[])[.. Encoding.UTF8.GetBytes(tenant + "\n" + filter + "\n"), .. position])[..MacBytes];

    private static byte[]? Decoded(string text) => text.Length > 0 && Base64Url.IsValid(text) ? Base64Url.DecodeFromChars(text) : null;
}
