using GenerationPlatform.Silo;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Options;

// genplat-silo: one silo of the platform (Orleans silo, gRPC API, health and metrics), as the images, docker-compose, the
// Helm chart and local clusters run it. Configured by appsettings.json, GenerationPlatform__... environment variables and
// the command line (--GenerationPlatform:Host:GrpcPort=5080); docs/OPERATIONS.md lists every key. A bad setting or a port
// that cannot be bound is one line on stderr and exit code 2.
const string Name = "genplat-silo";
WebApplication app;
try
{
    app = await PlatformProcess.StartAsync(args, null, CancellationToken.None);
}
catch (Exception e) when (e is HostConfigurationException or OptionsValidationException)
{
    Console.Error.WriteLine($"{Name}: {e.Message}");
    return 2;
}
catch (IOException e)
{
    Console.Error.WriteLine($"{Name}: cannot listen: {e.Message}");
    return 2;
}
await using (app) await PlatformProcess.RunUntilStoppedAsync(app, Name, "from configuration", CancellationToken.None);
return 0;
