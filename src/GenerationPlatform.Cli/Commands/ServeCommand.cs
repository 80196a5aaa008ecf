using System.CommandLine;
using GenerationPlatform.Silo;
using GenerationPlatform.Tools;
using Microsoft.AspNetCore.Builder;

namespace GenerationPlatform.Cli.Commands;

/// <summary>
/// <c>genplat serve</c>: the platform host in this process, as the silo executable (genplat-silo) runs it. Without other
/// configuration that is the embedded default (one silo, localhost clustering, in-memory state, local-folder results);
/// appsettings.json and GenerationPlatform__... environment variables configure the rest.
/// </summary>
internal static class ServeCommand
{
    private const string Title = "genplat serve";

    public static Command Create() => ToolCommand.Create("serve", "Run the platform: gRPC API, silo and result store in this process; Ctrl+C stops it", ServeSettings.Options,
        async (p, ct) =>
        {
            await RunAsync(ServeSettings.Parse(p), ct);
            return 0;
        });

    /// <summary>Starts the host with the settings' overrides, prints its endpoints and runs until stopped.</summary>
    public static async Task RunAsync(ServeSettings settings, CancellationToken cancellationToken)
    {
        WebApplication app;
        try
        {
            app = await PlatformProcess.StartAsync([], settings.Overrides(), cancellationToken);
        }
        catch (IOException e)
        {
            throw new CliArgumentException($"serve: cannot listen: {e.Message}");
        }
        await using (app) await PlatformProcess.RunUntilStoppedAsync(app, Title, settings.TenantsLine, cancellationToken);
    }
}
