namespace GenerationPlatform.Silo;

/// <summary>
/// The Orleans dashboard (section GenerationPlatform:Dashboard), served at /dashboard on the HTTP port when enabled, and
/// then only to a caller who knows its password: HTTP Basic authentication as <see cref="User"/>, or the password as a
/// bearer token (<c>authorization: Bearer &lt;password&gt;</c>), checked against <see cref="PasswordSha256"/> in constant
/// time (<see cref="DashboardAuthentication"/>). Enabled without a password, the host does not start.
/// </summary>
public sealed class PlatformDashboardOptions
{
    public const string Section = "GenerationPlatform:Dashboard";
    public const string Path = "/dashboard";

    public bool Enabled { get; set; }

    /// <summary>The user name of Basic authentication.</summary>
    public string User { get; set; } = "admin";

    /// <summary>SHA-256 (64 hex digits) of the dashboard's password; required when <see cref="Enabled"/>.</summary>
    public string? PasswordSha256 { get; set; }

    /// <summary>What is wrong with these options, each problem naming its key; empty when nothing is.</summary>
    public IEnumerable<string> Problems()
    {
        bool set = !string.IsNullOrEmpty(PasswordSha256);
        if (Enabled && !set)
            yield return $"{Section}:PasswordSha256 is required when {Section}:Enabled is true: the dashboard shows and controls the cluster, " +
                "so it is served only behind a password (its SHA-256 in hex: printf %s 'password' | sha256sum)";
        if (set && (PasswordSha256!.Length != 64 || !PasswordSha256.All(Uri.IsHexDigit)))
            yield return $"{Section}:PasswordSha256 must be the SHA-256 of the password as 64 hex digits";
        if (Enabled && (string.IsNullOrEmpty(User) || User.Contains(':', StringComparison.Ordinal) || User.Any(char.IsControl)))
            yield return $"{Section}:User must be a non-empty user name without ':' or control characters (got '{User}')";
    }
}
