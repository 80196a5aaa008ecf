using GenerationPlatform.Contracts;
using System.Collections;
using System.Reflection;
using GenerationPlatform.Api;
using GenerationPlatform.Grains;
using GenerationPlatform.Storage;
using GenerationPlatform.Core.Verifiers;

namespace GenerationPlatform.Silo;

/// <summary>
/// Every configuration section the host binds, with the options type it binds to: the one list that
/// says which keys the host reads. Deployment files (the Helm chart, docker-compose, the Dockerfiles)
/// are checked against it, so a key that nothing reads cannot slip in unnoticed.
/// </summary>
public static class HostConfiguration
{
    public static IReadOnlyList<(string Section, Type Options)> Sections { get; } =
    [
        (PlatformHostOptions.Section, typeof(PlatformHostOptions)),
        (PlatformClusterOptions.Section, typeof(PlatformClusterOptions)),
        (PlatformClusterOptions.MembershipSection, typeof(Orleans.Configuration.ClusterMembershipOptions)),
        (ClusterTlsOptions.Section, typeof(ClusterTlsOptions)),
        (SiloDeclarationOptions.Section, typeof(SiloDeclarationOptions)),
        (PlatformDashboardOptions.Section, typeof(PlatformDashboardOptions)),
        (WebConsole.WebConsoleOptions.Section, typeof(WebConsole.WebConsoleOptions)),
        (ResultStoreOptions.SectionName, typeof(ResultStoreOptions)),
        (ApiKeyOptions.Section, typeof(ApiKeyOptions)),
        (RequestLimits.Section, typeof(RequestLimits)),
        (RateLimitOptions.Section, typeof(RateLimitOptions)),
        (JobIdOptions.Section, typeof(JobIdOptions)),
        (TenantQuotaOptions.Section, typeof(TenantQuotaOptions)),
        (DenoiserOptions.Section, typeof(DenoiserOptions)),
        (VerifierBatchingOptions.Section, typeof(VerifierBatchingOptions)),
        (ModelOptions.Section, typeof(ModelOptions)),
        (SearchJobOptions.Section, typeof(SearchJobOptions)),
        (OnnxVerifierRegistry.Section, typeof(OnnxVerifierRegistry)),
    ];

    /// <summary>
    /// Whether the host reads a key, given as configuration (<c>A:B:C</c>) or environment
    /// (<c>A__B__C</c>) path: a bound property all the way down, dictionary keys and list indexes allowed.
    /// </summary>
    public static bool Reads(string key)
    {
        var segments = key.Replace("__", ":", StringComparison.Ordinal).Split(':');
        foreach (var (section, type) in Sections)
        {
            var prefix = section.Split(':');
            if (segments.Length <= prefix.Length || !prefix.SequenceEqual(segments[..prefix.Length], StringComparer.OrdinalIgnoreCase)) continue;
            if (Walk(type, segments[prefix.Length..])) return true;
        }
        return false;
    }

    private static bool Walk(Type type, ReadOnlySpan<string> rest)
    {
        if (rest.Length == 0) return IsLeaf(type);
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (IsLeaf(type)) return false;
        if (Dictionary(type) is { } value) return Walk(value, rest[1..]);
        if (Element(type) is { } element) return int.TryParse(rest[0], out var i) && i >= 0 && Walk(element, rest[1..]);
        var property = type.GetProperty(rest[0], BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
        return property is { CanWrite: true } && Walk(property.PropertyType, rest[1..]);
    }

    private static bool IsLeaf(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan) || type == typeof(Uri);
    }

    private static Type? Dictionary(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>) && type.GetGenericArguments()[0] == typeof(string)
            ? type.GetGenericArguments()[1] : null;

    private static Type? Element(Type type) =>
        type.IsArray ? type.GetElementType()
        : type.IsGenericType && typeof(IEnumerable).IsAssignableFrom(type) && type.GetGenericArguments().Length == 1 ? type.GetGenericArguments()[0]
        : null;
}
