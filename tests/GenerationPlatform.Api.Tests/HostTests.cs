using GenerationPlatform.Silo;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Grpc.Reflection.V1Alpha;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace GenerationPlatform.Api.Tests;

[Collection(PlatformCollection.Name)]
public sealed class HostTests(PlatformFixture fixture)
{
    [Fact]
    public async Task TheGrpcHealthServiceAnswersServing()
    {
        using var channel = GrpcChannel.ForAddress(fixture.GrpcAddress);
        var health = new Health.HealthClient(channel);
        var reply = await health.CheckAsync(new HealthCheckRequest());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, reply.Status);
    }

    [Fact]
    public async Task ReflectionListsTheServices()
    {
        using var channel = GrpcChannel.ForAddress(fixture.GrpcAddress);
        var reflection = new ServerReflection.ServerReflectionClient(channel);
        using var call = reflection.ServerReflectionInfo();
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        var services = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToArray();
        Assert.Contains("generation.v1.GenerationService", services);
        Assert.Contains("grpc.health.v1.Health", services);
    }

    [Theory]
    [InlineData(PlatformHost.LivePath)]
    [InlineData(PlatformHost.ReadyPath)]
    public async Task HealthEndpointsAnswerOnTheHttpPortOnly(string path)
    {
        using var http = new HttpClient();
        var response = await http.GetAsync(new Uri(fixture.HttpAddress, path));
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
        // The gRPC port speaks HTTP/2 only: an HTTP/1.1 request there gets no health page.
        using var h1 = new HttpClient();
        await Assert.ThrowsAnyAsync<HttpRequestException>(async () => (await h1.GetAsync(new Uri(fixture.GrpcAddress, path))).EnsureSuccessStatusCode());
    }

    [Fact]
    public void MembershipTimestampsCountFromTheSilosStartNotTheMachinesBoot()
    {
        // The watchdog's first check reads an unset stamp (0) as its participant check's start: seconds since the silo started, not the uptime.
        var clock = fixture.App.Services.GetRequiredKeyedService<TimeProvider>(Orleans.Runtime.TimeProviderNames.Membership);
        Assert.IsType<MembershipClock>(clock);
        Assert.True(clock.GetElapsedTime(0) < TimeSpan.FromMinutes(10));
        var fresh = new MembershipClock();
        Assert.True(fresh.GetElapsedTime(0) < TimeSpan.FromSeconds(5));
        Assert.Equal(TimeProvider.System.TimestampFrequency, fresh.TimestampFrequency);
    }

    [Fact]
    public async Task ReadinessWaitsForTheModelsToBeWarm()
    {
        var fields = new HeldFields();
        var options = new GenerationPlatform.Grains.DenoiserOptions { MaxBatch = 4, CapCacheFolder = "" };
        using var warmup = new GenerationPlatform.Grains.ModelWarmup(fields, new GenerationPlatform.Grains.TextPromptEncoders(),
            Microsoft.Extensions.Options.Options.Create(options), TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<GenerationPlatform.Grains.ModelWarmup>.Instance);
        var check = new ModelWarmupHealthCheck(warmup);
        await warmup.StartAsync(CancellationToken.None);
        Assert.Equal(HealthStatus.Unhealthy, (await check.CheckHealthAsync(new HealthCheckContext())).Status);
        fields.Release.Set();
        await warmup.Completion.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(HealthStatus.Healthy, (await check.CheckHealthAsync(new HealthCheckContext())).Status);
    }

    /// <summary>One served analytic model whose field is handed out once <see cref="Release"/> is set.</summary>
    private sealed class HeldFields : GenerationPlatform.Grains.IVelocityFieldProvider
    {
        public ManualResetEventSlim Release { get; } = new();
        public IReadOnlyList<string> Served => ["gauss-held"];

        public GenerationPlatform.Diffusion.Sampling.IVelocityField Get(string model)
        {
            Release.Wait(TimeSpan.FromSeconds(30));
            return new GenerationPlatform.Search.Tests.GaussianField();
        }
    }

    [Theory]
    [InlineData("GenerationPlatform:Host:Mode", "galaxy", "GenerationPlatform:Host:Mode")]
    [InlineData("GenerationPlatform:Host:GrpcPort", "70000", "GenerationPlatform:Host:GrpcPort")]
    [InlineData("GenerationPlatform:Host:ListenAddress", "localhost:80", "GenerationPlatform:Host:ListenAddress")]
    [InlineData("GenerationPlatform:Host:Mode", "cluster", "GenerationPlatform:Cluster:ConnectionString")]
    [InlineData("GenerationPlatform:Cluster:AdvertisedIp", "pod-ip", "GenerationPlatform:Cluster:AdvertisedIp")]
    [InlineData("GenerationPlatform:Silo:Accelerator", "tpu", "GenerationPlatform:Silo:Accelerator")]
    public void ABadHostSettingFailsAtStartNamingTheKey(string key, string value, string named)
    {
        var e = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => PlatformHost.CreateBuilder([], new Dictionary<string, string?> { [key] = value }));
        Assert.Contains(named, e.Message);
    }

    [Theory]
    [InlineData("GenerationPlatform:Auth:Tenants:alpha:KeySha256:0", "not-a-sha256", "GenerationPlatform:Auth:Tenants:alpha:KeySha256")]
    [InlineData("GenerationPlatform:Auth:Tenants:..:KeySha256:0", "0000000000000000000000000000000000000000000000000000000000000000", "GenerationPlatform:Auth:Tenants")]
    [InlineData("GenerationPlatform:Api:Limits:MaxTopK", "0", "GenerationPlatform:Api:Limits:MaxTopK")]
    [InlineData("GenerationPlatform:Api:Limits:MaxWatchStreamsPerTenant", "0", "GenerationPlatform:Api:Limits:MaxWatchStreamsPerTenant")]
    [InlineData("GenerationPlatform:Api:Limits:MaxWatchDuration", "00:00:00", "GenerationPlatform:Api:Limits:MaxWatchDuration")]
    [InlineData("GenerationPlatform:Api:Limits:ResultCacheBytes", "-1", "GenerationPlatform:Api:Limits:ResultCacheBytes")]
    [InlineData("GenerationPlatform:Results:Kind", "tape", "GenerationPlatform:Results:Kind")]
    [InlineData("GenerationPlatform:Results:RetentionDays", "-1", "GenerationPlatform:Results:RetentionDays")]
    [InlineData("GenerationPlatform:Results:RetentionDays", "3651", "GenerationPlatform:Results:RetentionDays")]
    public async Task BadApiSettingsFailTheStartNamingTheKey(string key, string value, string named)
    {
        var e = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            PlatformFixture.StartHostAsync(new Dictionary<string, string?> { [key] = value }));
        Assert.Contains(named, e.Message);
    }
}
