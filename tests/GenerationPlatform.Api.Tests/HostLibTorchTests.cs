namespace GenerationPlatform.Api.Tests;

/// <summary>The silo's libtorch setting: a folder that cannot be used stops the start, naming the key and the folder.</summary>
public sealed class HostLibTorchTests
{
    [Fact]
    public async Task ALibtorchFolderThatCannotBeUsedStopsTheStartNamingTheKey()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"genplat-no-libtorch-{Guid.NewGuid():N}");
        var e = await Assert.ThrowsAsync<Silo.HostConfigurationException>(() => OwnHost.StartAsync(new Dictionary<string, string?>
        {
            ["GenerationPlatform:Models:LibTorch"] = missing,
        }));
        Assert.StartsWith("GenerationPlatform:Models:LibTorch: ", e.Message, StringComparison.Ordinal);
        // The process may have chosen the build's own libtorch already (another test's host): then it says it cannot change.
        Assert.Contains(missing, e.Message, StringComparison.Ordinal);
    }
}
