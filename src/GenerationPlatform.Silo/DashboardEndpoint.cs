namespace GenerationPlatform.Silo;

/// <summary>Marks the Orleans dashboard's endpoints: <see cref="DashboardAuthentication"/> lets no call reach them unauthenticated.</summary>
public sealed class DashboardEndpoint
{
    public static DashboardEndpoint Instance { get; } = new();

    private DashboardEndpoint() { }
}
