using GenerationPlatform.Testing;

namespace GenerationPlatform.Cli.Tests;

/// <summary>genplat's commands keep the command-line contract (<see cref="CommandLineContract"/>): described options, one-line refusals.</summary>
public sealed class CommandContractTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("genplat-contract-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Theory]
    [InlineData("generate")]
    [InlineData("search")]
    [InlineData("export-onnx")]
    [InlineData("serve")]
    [InlineData("jobs")]
    [InlineData("delete")]
    public void EveryOptionSaysWhatItDoes(string command) => Assert.Empty(CommandLineContract.UndescribedOptions("genplat", command));

    public static TheoryData<string[], string> BadInput => new()
    {
        { ["generate", "--class", "Sneaker", "--count", "0"], "--count" },
        { ["generate", "--class", "Sneaker", "--steps", "lots"], "--steps" },
        { ["search", "--class", "Sneaker", "--top-k", "17"], "--top-k" },
        { ["search", "--class", "Sneaker", "--algorithm", "beam", "--neighbours", "3"], "--neighbours" },
        { ["search", "--prompt", "a red dress", "--model", "fashion-text", "--verifier", "classifier"], "--verifier" },
        { ["export-onnx", "--out", "OUT", "--check", "-1"], "--check" },
        { ["export-onnx", "--out", "OUT", "--model", "no-such-model"], "--model" },
        { ["serve", "--port", "70000"], "--port" },
        { ["serve", "--dev-tenant", "no-key"], "--dev-tenant" },
        // A key in the clear to another machine, without --insecure (the client library refuses it too).
        { ["models", "--address", "http://genplat.example.com:5080", "--key", "gp-live-2f8c1e9a"], "--address" },
        { ["jobs", "--key", "KEY", "--state", "finished"], "--state" },
    };

    [Theory]
    [MemberData(nameof(BadInput))]
    public void BadInputIsOneLineNamingTheOptionAndWritesNothing(string[] args, string option)
    {
        var r = GenplatProcess.RunIn(dir, args.Select(a => a == "OUT" ? Path.Combine(dir, "out") : a).ToArray());
        Assert.Null(CommandLineContract.RefusalProblem(r, "genplat", option));
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir));
    }

    [Fact]
    public void GenerateWritesIntoGenplatOutAndTakesTheTextModelsOwnDefaults()
    {
        var r = GenplatProcess.RunIn(dir, "generate", "--model", "fashion-text", "--prompt", "a red dress", "--count", "1");
        Assert.True(r.ExitCode == 0, r.StdErr);
        var png = Assert.Single(Directory.GetFiles(Path.Combine(dir, "genplat-out"), "*.png"));
        Assert.Equal("fashion-text-a-red-dress-s1.png", Path.GetFileName(png));
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(Path.ChangeExtension(png, ".json")));
        // fashion-text's manifest: Heun, 10 steps, guidance 2.0 (what the API uses too).
        Assert.Equal(10, json.RootElement.GetProperty("steps").GetInt32());
        Assert.Equal(2.0, json.RootElement.GetProperty("guidance").GetDouble());
        Assert.Equal("a red dress", json.RootElement.GetProperty("prompt").GetString());
    }
}
