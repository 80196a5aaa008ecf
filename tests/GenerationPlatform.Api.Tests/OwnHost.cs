using GenerationPlatform.Silo;
using Microsoft.AspNetCore.Builder;

namespace GenerationPlatform.Api.Tests;

/// <summary>A host of a test's own (the fixture's tenants and analytic providers, plus its settings), with its own results folder.</summary>
internal sealed class OwnHost : IAsyncDisposable
{
    private readonly string results = Path.Combine(Path.GetTempPath(), $"genplat-api-own-{Guid.NewGuid():N}");
    private WebApplication app = null!;

    public Uri GrpcAddress => new(PlatformHost.Endpoints(app).Grpc);

    public PlatformEndpoints Endpoints => PlatformHost.Endpoints(app);

    public IServiceProvider Services => app.Services;

    public static async Task<OwnHost> StartAsync(Dictionary<string, string?> settings, Action<WebApplicationBuilder>? configure = null)
    {
        var host = new OwnHost();
        settings["GenerationPlatform:Results:Path"] = host.results;
        host.app = await PlatformFixture.StartHostAsync(settings, configure);
        return host;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        try { Directory.Delete(results, recursive: true); } catch (DirectoryNotFoundException) { }
    }
}
