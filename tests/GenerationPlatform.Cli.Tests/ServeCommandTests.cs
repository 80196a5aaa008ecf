using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using GenerationPlatform.Api.V1;
using GenerationPlatform.Client;
using GenerationPlatform.Diffusion.Imaging;
using Grpc.Core;

namespace GenerationPlatform.Cli.Tests;

/// <summary>`genplat serve` as a child process, with the shipped network and classifier, driven by the tenant client.</summary>
public sealed partial class ServeCommandTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("genplat-serve-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [GeneratedRegex(@"gRPC \(HTTP/2, no TLS\): (http://\S+)")]
    private static partial Regex GrpcLine();

    [Fact]
    public async Task ServePrintsItsEndpointsGeneratesWithTheShippedModelAndStopsOnCtrlC()
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = dir };
        var arguments = new[]
        {
            Path.Combine(AppContext.BaseDirectory, "genplat.dll"), "serve", "--port", "0", "--dev-tenant", "alpha:KEY1", "--dev-tenant", "beta:KEY2",
            "--results", Path.Combine(dir, "results"),
        };
        foreach (var a in arguments)
            psi.ArgumentList.Add(a);
        // Configuration from the environment, as containers set it: silo ports that no other test holds.
        psi.Environment["GenerationPlatform__Cluster__SiloPort"] = FreePort().ToString();
        psi.Environment["GenerationPlatform__Cluster__GatewayPort"] = FreePort().ToString();
        using var serve = Process.Start(psi)!;
        var stderr = serve.StandardError.ReadToEndAsync();
        try
        {
            var lines = new List<string>();
            string? address = null;
            using (var startup = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
            {
                while (address is null && await serve.StandardOutput.ReadLineAsync(startup.Token) is { } line)
                {
                    lines.Add(line);
                    if (GrpcLine().Match(line) is { Success: true } m) address = m.Groups[1].Value;
                }
            }
            Assert.True(address is not null, $"no gRPC line in: {string.Join('\n', lines)}");
            Assert.StartsWith("genplat serve: embedded silo running", lines[0]);
            var rest = serve.StandardOutput.ReadToEndAsync();

            using var alpha = new GenerationPlatformClient(new Uri(address), "KEY1");
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            var models = await alpha.ListModelsAsync(timeout.Token);
            Assert.Contains(models.Models, m => m.Name == "velocity-unet");
            var end = await alpha.GenerateToEndAsync(new GenerateRequest
            {
                Model = "velocity-unet", Class = "Trouser", Verifier = "classifier", Algorithm = "random",
                Sampler = Sampler.Euler, Steps = 4, BudgetNfe = 16, TopK = 2, Seed = 1,
            }, timeout.Token);
            Assert.Equal(JobUpdate.UpdateOneofCase.Result, end.UpdateCase);
            Assert.Equal(2, end.Result.Images.Count);
            Assert.Equal(16, end.Result.Nfe.Search + end.Result.Nfe.Final);
            foreach (var image in end.Result.Images)
            {
                Assert.Equal((28, 28), (ImageGrid.DecodeGray(image.Png.ToByteArray()).Width, ImageGrid.DecodeGray(image.Png.ToByteArray()).Height));
                Assert.True(double.IsFinite(image.ScoresByVerifier["classifier"]));
            }
            Assert.True(File.Exists(Path.Combine(dir, "results", "alpha", end.Result.JobId, "result.json")));

            using var beta = new GenerationPlatformClient(new Uri(address), "KEY2");
            var e = await Assert.ThrowsAsync<RpcException>(() => beta.GetJobAsync(end.Result.JobId));
            Assert.Equal(StatusCode.NotFound, e.StatusCode);

            // The tenant commands list and delete it: alpha's jobs hold it, beta's do not, and beta cannot delete it.
            var jobId = end.Result.JobId;
            var listed = GenplatProcess.Run("jobs", "--address", address, "--key", "KEY1", "--state", "completed");
            Assert.True(listed.ExitCode == 0, listed.StdErr);
            Assert.StartsWith($"{jobId} completed velocity-unet random", listed.StdOut);
            Assert.DoesNotContain(jobId, GenplatProcess.Run("jobs", "--address", address, "--key", "KEY2").StdOut);
            var refused = GenplatProcess.Run("delete", jobId, "--address", address, "--key", "KEY2");
            Assert.Equal(2, refused.ExitCode);
            Assert.StartsWith("genplat: job_id: no job", refused.StdErr);
            var deleted = GenplatProcess.Run("delete", jobId, "--address", address, "--key", "KEY1");
            Assert.True(deleted.ExitCode == 0, deleted.StdErr);
            Assert.Equal($"deleted: {jobId}", deleted.StdOut.Trim());
            Assert.False(Directory.Exists(Path.Combine(dir, "results", "alpha", jobId)));
            Assert.Equal("", GenplatProcess.Run("jobs", "--address", address, "--key", "KEY1").StdOut);

            using (var kill = Process.Start("kill", ["-INT", serve.Id.ToString()])) await kill.WaitForExitAsync();
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await serve.WaitForExitAsync(stop.Token);
            Assert.Equal(0, serve.ExitCode);
            Assert.Contains("genplat serve: stopped", await rest);
        }
        finally
        {
            if (!serve.HasExited) serve.Kill(entireProcessTree: true);
        }
        _ = await stderr;
    }

    [Theory]
    [InlineData("--dev-tenant", "alpha", "--dev-tenant")]
    [InlineData("--dev-tenant", "al/pha:KEY", "--dev-tenant")]
    [InlineData("--port", "70000", "--port")]
    public void BadServeArgumentsExit2WithOneLine(string option, string value, string named)
    {
        var result = GenplatProcess.Run("serve", option, value);
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith($"genplat: {named}", result.StdErr);
    }

    [Fact]
    public void OneKeyForTwoDevTenantsStopsTheStartWithoutEchoingIt()
    {
        var result = GenplatProcess.Run("serve", "--port", "0", "--dev-tenant", "alpha:s3cr3t-shared", "--dev-tenant", "beta:s3cr3t-shared");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("GenerationPlatform:Auth:Tenants:alpha:KeySha256:0 and GenerationPlatform:Auth:Tenants:beta:KeySha256:0", result.StdErr);
        Assert.DoesNotContain("s3cr3t", result.StdErr + result.StdOut);
    }

    [Theory]
    [InlineData("s3cr3t-key-with-no-colon")] // a key alone, its tenant forgotten
    [InlineData("s3cr3t-key-with-no-colon:")]
    [InlineData(":s3cr3t-key-with-no-colon")]
    [InlineData("al/pha:s3cr3t-key-with-no-colon")]
    [InlineData("s3cr3t key with no colon:alpha")]
    public void ARefusedDevTenantNeverEchoesTheKey(string value)
    {
        var result = GenplatProcess.Run("serve", "--dev-tenant", "alpha:GOOD-KEY-1", "--dev-tenant", value);
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("genplat: --dev-tenant (#2):", result.StdErr);
        Assert.DoesNotContain("s3cr3t", result.StdErr + result.StdOut);
        Assert.DoesNotContain("GOOD-KEY-1", result.StdErr + result.StdOut);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
