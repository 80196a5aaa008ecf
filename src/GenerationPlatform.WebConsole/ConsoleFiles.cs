using System.Security.Cryptography;

namespace GenerationPlatform.WebConsole;

/// <summary>The console's files, read once from this assembly's embedded resources (<c>wwwroot/</c>).</summary>
internal sealed class ConsoleFiles
{
    private const string Prefix = "console/";
    private readonly Dictionary<string, ConsoleFile> files;

    private ConsoleFiles(Dictionary<string, ConsoleFile> files) => this.files = files;

    /// <summary>The page's files by name (<c>index.html</c>, <c>console.js</c>, ...).</summary>
    public IReadOnlyDictionary<string, ConsoleFile> All => files;

    public ConsoleFile? Find(string name) => files.GetValueOrDefault(name);

    public static ConsoleFiles Load()
    {
        var assembly = typeof(ConsoleFiles).Assembly;
        var files = new Dictionary<string, ConsoleFile>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var content = buffer.ToArray();
            var name = resource[Prefix.Length..];
            files[name] = new ConsoleFile(name, content, ContentTypeOf(name), $"\"{Convert.ToHexStringLower(SHA256.HashData(content))[..32]}\"");
        }
        if (!files.ContainsKey(WebConsoleEndpoints.Page))
            throw new InvalidOperationException($"the console's {WebConsoleEndpoints.Page} is not embedded in {assembly.GetName().Name}");
        return new ConsoleFiles(files);
    }

    private static string ContentTypeOf(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        var other => throw new InvalidOperationException($"the console's file {name}: no media type for '{other}'"),
    };
}
