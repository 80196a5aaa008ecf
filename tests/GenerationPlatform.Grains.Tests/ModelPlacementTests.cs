namespace GenerationPlatform.Grains.Tests;

public sealed class ModelPlacementTests
{
    [Theory]
    [InlineData("cuda", "velocity-unet", "velocity-unet", true)]
    [InlineData("cuda", "a, velocity-unet ,b", "velocity-unet", true)]
    [InlineData("cpu", "*", "anything", true)]
    [InlineData("cuda", "other", "velocity-unet", false)]
    [InlineData("", "velocity-unet", "velocity-unet", false)]
    public void ASiloServesAModelOnlyWhenItDeclaresItAndAnAccelerator(string accelerator, string models, string model, bool serves)
    {
        var metadata = new Dictionary<string, string> { [SiloCapabilities.Accelerator] = accelerator, [SiloCapabilities.Models] = models };
        Assert.Equal(serves, SiloCapabilities.Serves(metadata, model));
    }

    [Fact]
    public void ASiloWithoutDeclarationsServesNothing() =>
        Assert.False(SiloCapabilities.Serves(new Dictionary<string, string>(), "velocity-unet"));

    [Theory]
    [InlineData(null, true)]
    [InlineData("true", true)]
    [InlineData("false", false)]
    [InlineData("FALSE", false)]
    public void ASiloHostsJobsUnlessItSaysItDoesNot(string? declared, bool hosts)
    {
        var metadata = declared is null ? new Dictionary<string, string>() : new Dictionary<string, string> { [SiloCapabilities.HostsJobs] = declared };
        Assert.Equal(hosts, SiloCapabilities.HostsJobsIn(metadata));
    }
}
