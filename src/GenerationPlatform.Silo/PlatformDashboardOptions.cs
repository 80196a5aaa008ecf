namespace GenerationPlatform.Silo;

/// <summary>The Orleans dashboard (section GenerationPlatform:Dashboard), served at /dashboard on the HTTP port when enabled.</summary>
public sealed class PlatformDashboardOptions
{
    public const string Section = "GenerationPlatform:Dashboard";
    public const string Path = "/dashboard";

    public bool Enabled { get; set; }
}
