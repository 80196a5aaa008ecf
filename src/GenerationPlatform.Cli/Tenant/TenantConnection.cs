using System.CommandLine;
using GenerationPlatform.Client;
using GenerationPlatform.Tools;

namespace GenerationPlatform.Cli.Tenant;

/// <summary>Where a tenant's calls go and with which key: --address and --key (or GENPLAT_ADDRESS, GENPLAT_API_KEY), --insecure for plaintext to another host.</summary>
internal sealed record TenantConnection(Uri Address, string Key, bool Insecure)
{
    public const string AddressVariable = "GENPLAT_ADDRESS", KeyVariable = "GENPLAT_API_KEY";

    private static readonly Option<string?> address = new("--address")
    {
        Description = $"the platform's gRPC address (default: ${AddressVariable}, or http://127.0.0.1:5080, what genplat serve listens on)",
    };
    private static readonly Option<string?> key = new("--key") { Description = $"your API key (default: ${KeyVariable})" };
    private static readonly Option<bool> insecure = new("--insecure")
    {
        Description = "allow sending the key without TLS to a host that is not this machine (anyone on the path could read it)",
    };

    public static IReadOnlyList<Option> Options { get; } = [address, key, insecure];

    public static TenantConnection Parse(ParseResult p)
    {
        var text = p.GetValue(address) ?? Environment.GetEnvironmentVariable(AddressVariable) ?? "http://127.0.0.1:5080";
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new CliArgumentException($"--address: '{text}' is not an http:// or https:// address");
        var apiKey = p.GetValue(key) ?? Environment.GetEnvironmentVariable(KeyVariable);
        if (string.IsNullOrWhiteSpace(apiKey)) throw new CliArgumentException($"--key: required (or set {KeyVariable})");
        bool allow = p.GetValue(insecure);
        if (uri.Scheme == "http" && !uri.IsLoopback && !allow)
            throw new CliArgumentException($"--address: {uri.Host} is not this machine and the address is plaintext: your key would travel unencrypted; use https, or --insecure");
        return new TenantConnection(uri, apiKey, allow);
    }

    public GenerationPlatformClient Open() => new(Address, Key, allowPlaintextKey: Insecure);
}
