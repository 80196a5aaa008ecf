using System.Diagnostics;
using GenerationPlatform.Api.V1;
using GenerationPlatform.Client;
using GenerationPlatform.Silo;
using GenerationPlatform.Tools;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace GenerationPlatform.Bench.ColdStart;

/// <summary>
/// <c>genplat-bench coldstart</c>: a fresh embedded host started and awaited until ready (its models warm), then per served model
/// the first job against the warm jobs after it, through the gRPC API: what a tenant's first request pays for the silo's cold start.
/// </summary>
internal static class BenchColdStartCommand
{
    public static System.CommandLine.Command Create() => ToolCommand.Create("coldstart",
        "a fresh host to ready, then each model's first job against warm ones: the first job's latency over a warm job's", BenchColdStartSettings.Options,
        async (p, ct) =>
        {
            (await RunAsync(BenchColdStartSettings.Parse(p), ct)).Write(Console.Out);
            return 0;
        });

    public static async Task<BenchColdStartReport> RunAsync(BenchColdStartSettings settings, CancellationToken ct)
    {
        var scratch = Directory.CreateTempSubdirectory("genplat-bench-coldstart-").FullName;
        try
        {
            var key = Convert.ToHexString(Guid.NewGuid().ToByteArray());
            var overrides = new Dictionary<string, string?>
            {
                ["GenerationPlatform:Tenants:Default:MaxBudgetPerRequest"] = settings.Budget.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["GenerationPlatform:Denoiser:CapCacheFolder"] = settings.CapCache ?? Path.Combine(scratch, "caps"),
                ["GenerationPlatform:Results:Kind"] = "folder",
                ["GenerationPlatform:Results:Path"] = Path.Combine(scratch, "results"),
            };
            for (int i = 0; i < settings.Models.Length; i++) overrides[$"GenerationPlatform:Models:Folders:{i}"] = settings.Models[i];
            var clock = Stopwatch.StartNew();
            await using var app = await EmbeddedPlatform.StartAsync(overrides.WithTenants([(BenchJobs.Tenant, key)]), builder =>
            {
                builder.Logging.SetMinimumLevel(LogLevel.Warning).AddFilter("Orleans.Runtime.Silo", LogLevel.Error);
                builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace); // stdout: the figures only
            }, ct);
            var ready = clock.Elapsed;
            var warmup = await PlatformHost.WaitUntilWarmAsync(app, ct);
            var client = new GenerationPlatformClient(new Uri(PlatformHost.Endpoints(app).Grpc), key);
            var rows = new List<BenchColdStartReport.Row>();
            foreach (var model in (await client.ListModelsAsync(ct)).Models)
            {
                var first = await TimeJobAsync(client, model, 0, settings.Budget, ct);
                var warm = new List<double>();
                for (int j = 1; j <= settings.Warm; j++) warm.Add(await TimeJobAsync(client, model, j, settings.Budget, ct));
                rows.Add(new BenchColdStartReport.Row(model.Name, model.Backend, first, warm));
            }
            await app.StopAsync(CancellationToken.None);
            return new BenchColdStartReport(settings, ready, warmup, rows);
        }
        finally
        {
            try { Directory.Delete(scratch, recursive: true); } catch (IOException) { } // a result's last write racing the cleanup
        }
    }

    /// <summary>One random search of the model's defaults through the API, to its result: its latency in seconds.</summary>
    private static async Task<double> TimeJobAsync(GenerationPlatformClient client, ModelInfo model, int job, int budget, CancellationToken ct)
    {
        var request = new GenerateRequest { Model = model.Name, Algorithm = BenchJobs.Algorithm, BudgetNfe = budget, TopK = 1, Seed = (ulong)(job + 1) };
        if (model.Conditioning == "text") request.Prompt = "a red dress";
        else request.Class = (job % Math.Max(1, model.Classes.Count)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var clock = Stopwatch.StartNew();
        var end = await client.GenerateToEndAsync(request, ct);
        if (end.UpdateCase != JobUpdate.UpdateOneofCase.Result)
            throw new InvalidOperationException($"coldstart job {job} on {model.Name} ended {end.Ended.State}: {end.Ended.Message}");
        return clock.Elapsed.TotalSeconds;
    }
}
