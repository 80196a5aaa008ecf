namespace GenerationPlatform.Research.Tests;

public sealed class TrainNoiseVerifierCommandTests
{
    [Theory]
    [InlineData("--per-class", "5001")]
    [InlineData("--per-class", "0")]
    [InlineData("--steps", "1")]
    [InlineData("--steps", "66")]
    public void CountsThatWouldNotFitAreRefusedNamingTheOptionBeforeAnyWork(string option, string value)
    {
        var output = Path.Combine(Path.GetTempPath(), $"genplat-noise-aware-{Guid.NewGuid():N}.safetensors");
        var r = ResearchProcess.Run("train-noise-verifier", option, value, "--out", output);
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith($"genplat-research: {option}", r.StdErr.Trim());
        Assert.False(File.Exists(output));
    }
}
