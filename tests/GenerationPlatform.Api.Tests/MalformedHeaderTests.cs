using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using GenerationPlatform.Api.V1;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Xunit.Sdk;

namespace GenerationPlatform.Api.Tests;

/// <summary>A host of the class's own, with the JSON port on and its log captured (Warning and above).</summary>
public sealed class MalformedHeaderFixture : IAsyncLifetime
{
    public CapturedLogs Logs { get; } = new();

    internal OwnHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await OwnHost.StartAsync(new Dictionary<string, string?>
    {
        ["GenerationPlatform:Results:Kind"] = "folder",
        ["GenerationPlatform:Host:JsonPort"] = "0",
    }, builder => builder.Logging.AddProvider(Logs));

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>
/// A binary header (<c>-bin</c>) that is not base64 (<c>x-a-bin: A</c>), sent with a valid key and without one, on the gRPC
/// port and on the JSON port, over real loopback: INVALID_ARGUMENT naming the header before anything reads the call's
/// metadata (which throws on it), and no Error in the log. Headers that are valid base64 are served.
/// </summary>
public sealed class MalformedHeaderTests(MalformedHeaderFixture fixture) : IClassFixture<MalformedHeaderFixture>
{
    private const string Service = "/generation.v1.GenerationService/";

    public static TheoryData<string, string, bool> GrpcCalls()
    {
        var data = new TheoryData<string, string, bool>();
        foreach (var rpc in new[] { "ListModels", "GetUsage", "Submit", "Watch", "/grpc.health.v1.Health/Check" })
            foreach (var header in new[] { "x-a-bin", "X-Trace-BIN", "grpc-trace-bin" })
                foreach (var key in new[] { true, false })
                    data.Add(rpc, header, key);
        return data;
    }

    [Theory]
    [MemberData(nameof(GrpcCalls))]
    public async Task AMalformedBinaryHeaderIsInvalidOnTheGrpcPortWithoutAnErrorLogged(string rpc, string header, bool key)
    {
        int before = fixture.Logs.Entries.Count;
        var (status, detail) = await GrpcAsync(rpc, key, (header, "A"));
        Assert.True(status == StatusCode.InvalidArgument, $"{rpc}: {status} '{detail}'");
        Assert.StartsWith($"{header.ToLowerInvariant()}: ", detail);
        Assert.Contains("base64", detail);
        NothingLoggedSince(before);
    }

    [Theory]
    [InlineData("GET", "/v1/models", true)]
    [InlineData("GET", "/v1/models", false)]
    [InlineData("GET", "/v1/usage", true)]
    [InlineData("GET", "/v1/usage", false)]
    [InlineData("POST", "/v1/jobs", true)]
    [InlineData("POST", "/v1/jobs", false)]
    public async Task AMalformedBinaryHeaderIsInvalidOnTheJsonPortWithoutAnErrorLogged(string method, string path, bool key)
    {
        int before = fixture.Logs.Entries.Count;
        using var response = await JsonAsync(method, path, key, ("x-a-bin", "A"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{method} {path}: {(int)response.StatusCode} {body}");
        using var status = System.Text.Json.JsonDocument.Parse(body);
        Assert.Equal((int)StatusCode.InvalidArgument, status.RootElement.GetProperty("code").GetInt32());
        Assert.StartsWith("x-a-bin: ", status.RootElement.GetProperty("message").GetString());
        NothingLoggedSince(before);
    }

    [Theory]
    [InlineData("AAAA")] // padded base64
    [InlineData("AAA")] // unpadded, as gRPC allows
    [InlineData("")] // an empty value is empty bytes
    public async Task AWellFormedBinaryHeaderIsServedOnBothPorts(string value)
    {
        var (status, detail) = await GrpcAsync("GetUsage", key: true, ("x-a-bin", value));
        Assert.True(status == StatusCode.OK, $"{status} '{detail}'");
        using var response = await JsonAsync("GET", "/v1/usage", key: true, ("x-a-bin", value));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private void NothingLoggedSince(int before)
    {
        var logged = fixture.Logs.Entries.Skip(before).Where(e => e.Level >= LogLevel.Error || e.Exception is not null).ToArray();
        Assert.True(logged.Length == 0, string.Join("\n", logged.Select(e => $"{e.Level} {e.Category}: {e.Message} {e.Exception}")));
    }

    /// <summary>One call as raw HTTP/2 (h2c): the status from the trailers, or from the headers of a trailers-only answer.</summary>
    private async Task<(StatusCode Status, string Detail)> GrpcAsync(string rpc, bool key, (string Name, string Value) header)
    {
        byte[] message = rpc switch
        {
            "Submit" => PlatformFixture.Request().ToByteArray(),
            "Watch" => new WatchRequest { JobId = JobIds.Unissued() }.ToByteArray(),
            _ => [],
        };
        using var http = new HttpClient(new SocketsHttpHandler());
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(fixture.Host.GrpcAddress, rpc.StartsWith('/') ? rpc : Service + rpc))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent([0, .. BigEndian(message.Length), .. message]),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");
        if (key) request.Headers.TryAddWithoutValidation("authorization", $"Bearer {PlatformFixture.AlphaKey}");
        request.Headers.TryAddWithoutValidation(header.Name, header.Value);
        using var response = await http.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        var status = Header(response, "grpc-status") ?? throw new XunitException($"{rpc}: HTTP {(int)response.StatusCode} without a grpc-status");
        return ((StatusCode)int.Parse(status, CultureInfo.InvariantCulture), Uri.UnescapeDataString(Header(response, "grpc-message") ?? ""));
    }

    private async Task<HttpResponseMessage> JsonAsync(string method, string path, bool key, (string Name, string Value) header)
    {
        using var http = new HttpClient { BaseAddress = new Uri(fixture.Host.Endpoints.Json!) };
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
            request.Content = new StringContent(Google.Protobuf.JsonFormatter.Default.Format(PlatformFixture.Request()), System.Text.Encoding.UTF8, "application/json");
        if (key) request.Headers.TryAddWithoutValidation("authorization", $"Bearer {PlatformFixture.AlphaKey}");
        request.Headers.TryAddWithoutValidation(header.Name, header.Value);
        return await http.SendAsync(request);
    }

    private static byte[] BigEndian(int length)
    {
        var bytes = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes, length);
        return bytes;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.TrailingHeaders.TryGetValues(name, out var trailer) ? trailer.First()
        : response.Headers.TryGetValues(name, out var value) ? value.First()
        : null;
}
