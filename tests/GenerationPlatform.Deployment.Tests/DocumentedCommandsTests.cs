using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace GenerationPlatform.Deployment.Tests;

/// <summary>
/// Every shell block of README.md and docs/API.md works as written, on the shipped models (issue 27): the blocks of a
/// document run in order in one shell with <c>set -eu</c>, in a scratch folder that sees the repository, so a command
/// that fails, or one that depends on a file a clone lacks, fails the test. Two liberties, both mechanical: a
/// <c>dotnet run</c> does not rebuild (the solution is built before the tests run: <c>--no-build</c>), and a block that
/// starts <c>serve</c> runs it in the background and waits for its readiness probe, as the reader's second terminal does.
/// The README's test command (<c>bash .ci/run</c>) is the one block not run: it is what runs this test.
/// </summary>
[Trait("Tier", "slow")]
public sealed partial class DocumentedCommandsTests : IDisposable
{
    private readonly string scratch = Directory.CreateTempSubdirectory("genplat-docs-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(scratch, recursive: true); } catch (IOException) { } // a server's last write racing the cleanup
    }

    [Theory]
    [InlineData("README.md")]
    [InlineData("docs/API.md")]
    public async Task EveryShellBlockWorksAsWritten(string document)
    {
        var blocks = ShellBlocks(File.ReadAllText(Repository.PathOf(document))).Where(b => !b.Contains(".ci/run", StringComparison.Ordinal)).ToList();
        Assert.True(blocks.Count >= 2, $"{document}: {blocks.Count} shell blocks");
        foreach (var entry in Directory.EnumerateFileSystemEntries(Repository.Root))
        {
            var name = Path.GetFileName(entry);
            if (name is "genplat-out" or "results" or ".git") continue;
            if (Directory.Exists(entry)) Directory.CreateSymbolicLink(Path.Combine(scratch, name), entry);
            else File.CreateSymbolicLink(Path.Combine(scratch, name), entry);
        }
        var script = Script(blocks);
        File.WriteAllText(Path.Combine(scratch, "doc.sh"), script);
        var psi = new ProcessStartInfo("bash", ["doc.sh"]) { WorkingDirectory = scratch, RedirectStandardOutput = true, RedirectStandardError = true };
        using var bash = Process.Start(psi)!;
        var stdout = bash.StandardOutput.ReadToEndAsync();
        var stderr = bash.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        try { await bash.WaitForExitAsync(limit.Token); }
        catch (OperationCanceledException)
        {
            bash.Kill(entireProcessTree: true);
            Assert.Fail($"{document}: its commands did not finish in 8 minutes\n{await stdout}\n{await stderr}");
        }
        Assert.True(bash.ExitCode == 0, $"{document}: a command failed (exit {bash.ExitCode})\n--- script\n{script}\n--- stdout\n{await stdout}\n--- stderr\n{await stderr}");
    }

    /// <summary>The ```sh blocks of a Markdown document, in order.</summary>
    public static IEnumerable<string> ShellBlocks(string markdown) => ShellBlock().Matches(markdown).Select(m => m.Groups["body"].Value);

    /// <summary>One script: the blocks in order, every dotnet run without a build, a server started in the background and awaited, stopped at the end.</summary>
    private static string Script(IEnumerable<string> blocks)
    {
        var sb = new StringBuilder("set -eu\nSERVERS=\"\"\ntrap 'for p in $SERVERS; do kill $p 2>/dev/null || true; done' EXIT\n");
        foreach (var block in blocks)
        {
            sb.Append("echo '>>> block' >&2\n");
            foreach (var raw in block.Split('\n'))
            {
                var line = raw.Replace("dotnet run --project", "dotnet run --no-build --project", StringComparison.Ordinal);
                if (line.Contains(" -- serve ", StringComparison.Ordinal))
                {
                    sb.Append(line).Append(" > serve.log 2>&1 &\nSERVERS=\"$SERVERS $!\"\n");
                    sb.Append("for i in $(seq 1 180); do curl -sf http://127.0.0.1:5081/healthz/ready > /dev/null && break; sleep 1; done\n");
                    sb.Append("curl -sf http://127.0.0.1:5081/healthz/ready > /dev/null || { cat serve.log >&2; exit 1; }\n");
                }
                else sb.Append(line).Append('\n');
            }
        }
        return sb.ToString();
    }

    [GeneratedRegex(@"^```sh\n(?<body>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex ShellBlock();
}
