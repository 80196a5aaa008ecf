using Microsoft.Extensions.Hosting;

namespace GenerationPlatform.Grains;

/// <summary>Loads the silo's models when the host starts (not on the first request): a bad folder is reported at start.</summary>
internal sealed class ModelStartup(IVelocityFieldProvider models) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        GC.KeepAlive(models); // constructing the provider loaded and checked every configured model
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
