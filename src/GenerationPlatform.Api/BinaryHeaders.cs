using Microsoft.AspNetCore.Http;

namespace GenerationPlatform.Api;

/// <summary>
/// gRPC's binary metadata: a header whose name ends in <c>-bin</c> carries base64 (padded or not). The framework decodes
/// every one of them the first time anything reads a call's metadata (<c>ServerCallContext.RequestHeaders</c>, over gRPC
/// and over HTTP/JSON alike) and throws <see cref="FormatException"/> on one that is not base64: an UNKNOWN (or a 500) and
/// an Error with a stack trace, before any key is checked. The edge checks (<see cref="GrpcRequestFrameCheck"/>,
/// <see cref="HttpJsonRequestCheck"/>) refuse such a call first, so that nothing after them can meet one.
/// </summary>
internal static class BinaryHeaders
{
    private const string Suffix = "-bin";

    /// <summary>Null when every binary header decodes, else the first that does not, named: INVALID_ARGUMENT's message.</summary>
    public static string? Problem(IHeaderDictionary headers)
    {
        foreach (var (name, values) in headers)
        {
            if (!name.EndsWith(Suffix, StringComparison.OrdinalIgnoreCase)) continue;
            foreach (var value in values)
                if (!Decodes(value ?? ""))
                    return $"{name.ToLowerInvariant()}: a binary header ('{Suffix}') must be base64; this one is not";
        }
        return null;
    }

    /// <summary>As gRPC reads it: base64, its padding optional (a length of 1 mod 4 is never base64).</summary>
    private static bool Decodes(string value)
    {
        var padded = (value.Length % 4) switch
        {
            0 => value,
            2 => value + "==",
            3 => value + "=",
            _ => null,
        };
        return padded is not null && Convert.TryFromBase64String(padded, new byte[padded.Length / 4 * 3], out _);
    }
}
