namespace GenerationPlatform.WebConsole;

/// <summary>GenerationPlatform:Console: whether the JSON port serves the console at <c>/console/</c>.</summary>
public sealed class WebConsoleOptions
{
    public const string Section = "GenerationPlatform:Console";

    /// <summary>Served when the host has a JSON port (<c>Host:JsonPort</c>); on by default.</summary>
    public bool Enabled { get; set; } = true;
}
