using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace GenerationPlatform.Api;

/// <summary>
/// Job ids that say whom they were issued to: <c>job-</c>, 24 hex digits of a cryptographic random number (96 bits),
/// then 16 hex digits of an HMAC-SHA256 of the tenant and the random part under the platform's key
/// (<see cref="JobIdOptions"/>). The edge checks the MAC before anything else, so a call on an id that was never issued
/// to its caller (a guess, another tenant's job) is NOT_FOUND without a grain activation or a storage read.
/// </summary>
public sealed class JobIds(IOptions<JobIdOptions> options)
{
    public const string Prefix = "job-";
    private const int RandomBytes = 12, MacBytes = 8;

    /// <summary>The length of every job id.</summary>
    public const int Length = 4 + 2 * (RandomBytes + MacBytes);

    private readonly byte[] key = Convert.FromHexString(options.Value.Key);

    /// <summary>A fresh id for a job of <paramref name="tenant"/>.</summary>
    public string Issue(string tenant)
    {
        var random = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(RandomBytes));
        return Prefix + random + Mac(tenant, random);
    }

    /// <summary>Whether <paramref name="jobId"/> (well formed: <see cref="IsWellFormed"/>) was issued to <paramref name="tenant"/>.</summary>
    public bool WasIssuedTo(string jobId, string tenant)
    {
        var random = jobId.Substring(Prefix.Length, 2 * RandomBytes);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Mac(tenant, random)), Encoding.ASCII.GetBytes(jobId[(Prefix.Length + 2 * RandomBytes)..]));
    }

    /// <summary>Whether a string has the shape of a job id: the prefix and 40 lowercase hex digits.</summary>
    public static bool IsWellFormed(string jobId) =>
        jobId.Length == Length && jobId.StartsWith(Prefix, StringComparison.Ordinal) && jobId.Skip(Prefix.Length).All(char.IsAsciiHexDigitLower);

    /// <summary>A well-formed id issued to no one (what a guess looks like): for tests and examples.</summary>
    public static string Unissued() => Prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(RandomBytes + MacBytes));

    private string Mac(string tenant, string random)
    {
        var mac = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(tenant + "\n" + random));
        return Convert.ToHexStringLower(mac, 0, MacBytes);
    }
}
