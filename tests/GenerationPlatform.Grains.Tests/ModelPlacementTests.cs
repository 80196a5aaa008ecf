namespace GenerationPlatform.Grains.Tests;

public sealed class ModelPlacementTests
{
    [Theory]
    [InlineData("cuda", "velocity-unet", "velocity-unet", true)]
    [InlineData("cuda", "a, velocity-unet ,b", "velocity-unet", true)]
    [InlineData("cpu", "*", "anything", true)]
    [InlineData("cuda", "other", "velocity-unet", false)]
    [InlineData("", "velocity-unet", "velocity-unet", false)]
    public void A_silo_serves_a_model_only_when_it_declares_it_and_an_accelerator(string accelerator, string models, string model, bool serves)
    {
        var metadata = new Dictionary<string, string> { [SiloCapabilities.Accelerator] = accelerator, [SiloCapabilities.Models] = models };
        Assert.Equal(serves, SiloCapabilities.Serves(metadata, model));
    }

    [Fact]
    public void A_silo_without_declarations_serves_nothing() =>
        Assert.False(SiloCapabilities.Serves(new Dictionary<string, string>(), "velocity-unet"));

    [Theory]
    [InlineData(null, true)]
    [InlineData("true", true)]
    [InlineData("false", false)]
    [InlineData("FALSE", false)]
    public void A_silo_hosts_jobs_unless_it_says_it_does_not(string? declared, bool hosts)
    {
        var metadata = declared is null ? new Dictionary<string, string>() : new Dictionary<string, string> { [SiloCapabilities.HostsJobs] = declared };
        Assert.Equal(hosts, SiloCapabilities.HostsJobsIn(metadata));
    }
}
