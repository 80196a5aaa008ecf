using GenerationPlatform.Api.V1;
using GenerationPlatform.Client;
using Grpc.Core;
using Grpc.Net.Client;

namespace GenerationPlatform.Api.Tests;

[Collection(PlatformCollection.Name)]
public sealed class SecurityTests(PlatformFixture fixture)
{
    [Fact]
    public async Task AnotherTenantsJobIsNotFoundTheSameAsNoJob()
    {
        using var alpha = fixture.Client(PlatformFixture.AlphaKey);
        using var beta = fixture.Client(PlatformFixture.BetaKey);
        var job = await alpha.SubmitAsync(PlatformFixture.Request(seed: 5));
        var missing = GenerationPlatform.Api.JobIds.Unissued();

        foreach (var id in new[] { job.JobId, missing })
        {
            var get = await Assert.ThrowsAsync<RpcException>(() => beta.GetJobAsync(id));
            var cancel = await Assert.ThrowsAsync<RpcException>(() => beta.CancelAsync(id));
            var watch = await Assert.ThrowsAsync<RpcException>(async () => { await foreach (var _ in beta.WatchAsync(id)) { } });
            foreach (var e in new[] { get, cancel, watch })
            {
                Assert.Equal(StatusCode.NotFound, e.StatusCode);
                Assert.Equal($"job_id: no job {id}", e.Status.Detail);
            }
        }
        // The owner still sees it.
        Assert.Equal(job.JobId, (await alpha.GetJobAsync(job.JobId)).JobId);
    }

    [Fact]
    public async Task NoKeyIsUnauthenticated()
    {
        using var channel = GrpcChannel.ForAddress(fixture.GrpcAddress);
        var raw = new GenerationService.GenerationServiceClient(channel);
        var submit = await Assert.ThrowsAsync<RpcException>(() => raw.SubmitAsync(PlatformFixture.Request()).ResponseAsync);
        var usage = await Assert.ThrowsAsync<RpcException>(() => raw.GetUsageAsync(new GetUsageRequest()).ResponseAsync);
        var generate = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            using var call = raw.Generate(PlatformFixture.Request());
            await call.ResponseStream.MoveNext();
        });
        foreach (var e in new[] { submit, usage, generate })
        {
            Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
            Assert.StartsWith("authorization:", e.Status.Detail);
        }
    }

    [Theory]
    [InlineData("not-a-key")]
    [InlineData("alpha-key-012345678")] // one character short of alpha's key
    public async Task AWrongKeyIsUnauthenticated(string key)
    {
        using var client = new GenerationPlatformClient(fixture.GrpcAddress, key);
        var e = await Assert.ThrowsAsync<RpcException>(() => client.ListModelsAsync());
        Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
        Assert.Equal("authorization: unknown API key", e.Status.Detail);
        var submit = await Assert.ThrowsAsync<RpcException>(() => client.SubmitAsync(PlatformFixture.Request()));
        Assert.Equal(StatusCode.Unauthenticated, submit.StatusCode);
    }

    [Fact]
    public async Task ANonBearerAuthorizationIsUnauthenticated()
    {
        using var channel = GrpcChannel.ForAddress(fixture.GrpcAddress);
        var raw = new GenerationService.GenerationServiceClient(channel);
        var e = await Assert.ThrowsAsync<RpcException>(() => raw.ListModelsAsync(new ListModelsRequest(),
            new Metadata { { "authorization", $"Basic {PlatformFixture.AlphaKey}" } }).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
    }

    [Fact]
    public async Task ARequestOverTheMessageSizeLimitIsRefused()
    {
        using var client = fixture.Client(PlatformFixture.AlphaKey);
        var request = PlatformFixture.Request();
        request.Model = new string('m', 100_000);
        var e = await Assert.ThrowsAsync<RpcException>(() => client.SubmitAsync(request));
        Assert.Equal(StatusCode.ResourceExhausted, e.StatusCode);
    }
}
