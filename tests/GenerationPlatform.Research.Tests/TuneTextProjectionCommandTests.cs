namespace GenerationPlatform.Research.Tests;

public sealed class TuneTextProjectionCommandTests
{
    private static string ShippedWeights(string model, string file) => Path.Combine(AppContext.BaseDirectory, "Models", model, file);

    [Theory]
    [InlineData("--per-synonym", "0")]
    [InlineData("--per-synonym", "1001")]
    [InlineData("--steps", "0")]
    [InlineData("--anchor-weight", "-1")]
    public void CountsOutOfRangeAreRefusedNamingTheOptionBeforeAnyWork(string option, string value)
    {
        var output = Path.Combine(Path.GetTempPath(), $"genplat-tuned-{Guid.NewGuid():N}.safetensors");
        var r = ResearchProcess.Run("tune-text-projection", "--weights", ShippedWeights("fashion-text", "velocity-text.safetensors"), option, value, "--out", output);
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith($"genplat-research: {option}", r.StdErr.Trim());
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void AClassModelIsRefusedNamingTheWeights()
    {
        var output = Path.Combine(Path.GetTempPath(), $"genplat-tuned-{Guid.NewGuid():N}.safetensors");
        var r = ResearchProcess.Run("tune-text-projection", "--weights", ShippedWeights("velocity-unet", "velocity-unet.safetensors"), "--out", output);
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("genplat-research: --weights", r.StdErr.Trim());
        Assert.Contains("class model", r.StdErr);
        Assert.False(File.Exists(output));
    }
}
