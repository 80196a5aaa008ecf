namespace GenerationPlatform.Cli.Tests;

public sealed class EvalCommandTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("genplat-eval-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Theory]
    [InlineData("--fd-resnet-images", "1")]
    [InlineData("--fd-resnet-images", "10001")]
    [InlineData("--onnx-verifier", "aesthetic")]
    [InlineData("--onnx-verifier", "aesthetic=missing.json")]
    public void BadFdAndOnnxArgumentsNameTheOptionBeforeAnyWork(string option, string value)
    {
        var r = GenplatProcess.Run("eval", "--fd-resnet", option, value, "--out", dir);
        Assert.Equal(2, r.ExitCode);
        var line = Assert.Single(r.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"genplat: {option}", line);
        Assert.False(File.Exists(Path.Combine(dir, "scaling.csv")));
    }
}
