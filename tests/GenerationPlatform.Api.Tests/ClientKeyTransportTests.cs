using GenerationPlatform.Client;

namespace GenerationPlatform.Api.Tests;

/// <summary>
/// The tenant client never puts a key on a plaintext connection to another machine unless its caller says so (L3): the refusal is at
/// construction, before any connection, and names the option; loopback, https and an explicit opt-in are accepted.
/// </summary>
public sealed class ClientKeyTransportTests
{
    private const string Key = "gp-live-2f8c1e9a";

    [Theory]
    [InlineData("http://genplat.example.com:5080")]
    [InlineData("http://10.0.0.7:5080")]
    [InlineData("http://[2001:db8::1]:5080")]
    [InlineData("http://127.0.0.1.nip.io:5080")]
    public void AKeyIsNotSentInTheClearToAnotherHost(string address)
    {
        var e = Assert.Throws<ArgumentException>(() => new GenerationPlatformClient(new Uri(address), Key));
        Assert.Equal("address", e.ParamName);
        Assert.Contains("allowPlaintextKey", e.Message);
        Assert.Contains(new Uri(address).Host, e.Message);
        Assert.DoesNotContain(Key, e.Message);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5080", false)]
    [InlineData("http://localhost:5080", false)]
    [InlineData("http://[::1]:5080", false)]
    [InlineData("https://genplat.example.com", false)]
    [InlineData("http://genplat.example.com:5080", true)]
    public void LoopbackTlsOrAnExplicitOptInAreAccepted(string address, bool allowPlaintextKey)
    {
        using var client = new GenerationPlatformClient(new Uri(address), Key, allowPlaintextKey: allowPlaintextKey);
        Assert.NotNull(client.Raw);
    }
}
