using System.Diagnostics;
using YamlDotNet.RepresentationModel;

namespace GenerationPlatform.Deployment.Tests;

/// <summary>Finds files of this repository and parses YAML, for checks of what operators deploy.</summary>
internal static class Repository
{
    public static string Root => Testing.RepositoryRoot.Path;

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    public static List<YamlMappingNode> Documents(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>().ToList();
    }

    public static YamlNode? At(this YamlNode node, params string[] path)
    {
        YamlNode? current = node;
        foreach (var key in path)
        {
            if (current is not YamlMappingNode map || !map.Children.TryGetValue(new YamlScalarNode(key), out current)) return null;
        }
        return current;
    }

    public static string? Scalar(this YamlNode node, params string[] path) => (node.At(path) as YamlScalarNode)?.Value;

    public static IEnumerable<YamlNode> Items(this YamlNode node, params string[] path) =>
        node.At(path) is YamlSequenceNode seq ? seq.Children : [];

    public static IEnumerable<(string Key, YamlNode Value)> Entries(this YamlNode node, params string[] path) =>
        node.At(path) is YamlMappingNode map ? map.Children.Select(kv => (((YamlScalarNode)kv.Key).Value!, kv.Value)) : [];

    /// <summary>
    /// Renders the Helm chart with chart-render (Go text/template + Sprig from Debian packages: the
    /// engine helm uses), with extra values files. Like helm, it first checks the merged values against
    /// values.schema.json. Fails with the schema's or the renderer's message.
    /// </summary>
    public static string RenderChart(params string[] valuesYaml) => RenderRelease("genplat", "default", valuesYaml);

    /// <summary>templates/NOTES.txt as helm prints it after an install with these values.</summary>
    public static string RenderNotes(params string[] valuesYaml) => Render("genplat", "default", valuesYaml, notes: true);

    /// <summary><see cref="RenderChart"/> as release <paramref name="name"/> in namespace <paramref name="ns"/> (helm install NAME -n NS).</summary>
    public static string RenderRelease(string name, string ns, params string[] valuesYaml) => Render(name, ns, valuesYaml, notes: false);

    private static string Render(string name, string ns, string[] valuesYaml, bool notes)
    {
        ChartValues.Validate(valuesYaml);
        var files = new List<string>();
        try
        {
            foreach (var v in valuesYaml)
            {
                var f = Path.GetTempFileName();
                File.WriteAllText(f, v);
                files.Add(f);
            }
            var start = new ProcessStartInfo("go")
            {
                WorkingDirectory = PathOf("tests/GenerationPlatform.Deployment.Tests/chart-render"),
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var a in new[] { "run", "main.go", PathOf("charts/generation-platform") }.Concat(files.SelectMany(f => new[] { "-f", f }))
                         .Concat(["--name", name, "--namespace", ns]).Concat(notes ? ["--notes"] : []))
                start.ArgumentList.Add(a);
            start.Environment["GO111MODULE"] = "off";
            start.Environment["GOPATH"] = "/usr/share/gocode";
            start.Environment["GOFLAGS"] = "";
            Process process;
            try { process = Process.Start(start)!; }
            catch (System.ComponentModel.Win32Exception e)
            {
                throw new InvalidOperationException(
                    "chart rendering needs Go and Sprig: apt-get install golang-go golang-github-masterminds-sprig-dev golang-gopkg-yaml.v3-dev (.ci/run does)", e);
            }
            using (process)
            {
                var output = process.StandardOutput.ReadToEndAsync();
                var error = process.StandardError.ReadToEndAsync();
                if (!process.WaitForExit(120_000)) { process.Kill(true); throw new TimeoutException("chart rendering took over 2 minutes"); }
                if (process.ExitCode != 0) throw new InvalidOperationException($"chart rendering failed: {error.Result}");
                return output.Result;
            }
        }
        finally
        {
            foreach (var f in files) File.Delete(f);
        }
    }
}
