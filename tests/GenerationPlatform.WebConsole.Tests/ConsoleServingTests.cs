using System.Net;
using Xunit.Abstractions;

namespace GenerationPlatform.WebConsole.Tests;

/// <summary>How the console's files are served: on the JSON port only, with a strict policy, revalidated by entity tag; its weight.</summary>
public sealed class ConsoleServingTests(ConsoleFixture fixture, ITestOutputHelper output) : IClassFixture<ConsoleFixture>
{
    private static HttpClient Client(string address) => new(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(address) };

    [Fact]
    public async Task ThePageAndItsFilesAreServedWithAStrictPolicy()
    {
        using var http = Client(fixture.Endpoints.Json!);
        var redirect = await http.GetAsync("/console");
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.Equal("/console/", redirect.Headers.Location?.ToString());

        var page = await http.GetAsync("/console/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync();
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal); // no inline script: the policy would refuse it
        Assert.DoesNotContain(" style=", html, StringComparison.Ordinal);
        foreach (var response in new[] { redirect, page, await http.GetAsync("/console/console.js"), await http.GetAsync("/console/no-such-file.js") })
        {
            Assert.Equal(WebConsoleEndpoints.ContentSecurityPolicy, string.Join(";", response.Headers.GetValues("Content-Security-Policy")));
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
            Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        }
        Assert.Contains("default-src 'none'", WebConsoleEndpoints.ContentSecurityPolicy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe", WebConsoleEndpoints.ContentSecurityPolicy, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/console/no-such-file.js")).StatusCode);

        // Revalidated by entity tag: an unchanged file is 304 without a body.
        using var conditional = new HttpRequestMessage(HttpMethod.Get, "/console/console.js");
        conditional.Headers.IfNoneMatch.Add(EntityTagHeaderValueOf(await http.GetAsync("/console/console.js")));
        var notModified = await http.SendAsync(conditional);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());
    }

    private static System.Net.Http.Headers.EntityTagHeaderValue EntityTagHeaderValueOf(HttpResponseMessage response) =>
        response.Headers.ETag ?? throw new InvalidOperationException("no ETag");

    [Fact]
    public async Task TheConsoleIsNotServedOnTheHealthAndMetricsPort()
    {
        using var http = Client(fixture.Endpoints.Http);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/console/")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/console/console.js")).StatusCode);
    }

    [Fact]
    public async Task EveryFileThePageLoadsIsServedAndThePageWeighsUnder300KB()
    {
        using var http = Client(fixture.Endpoints.Json!);
        var html = await http.GetStringAsync("/console/");
        var files = ConsoleFiles.Load();
        long total = 0;
        foreach (var file in files.All.Values)
        {
            var bytes = await http.GetByteArrayAsync($"/console/{file.Name}");
            Assert.Equal(file.Content, bytes);
            total += bytes.Length;
        }
        // Every file the page links is one the console serves, and every file it serves is linked from the page or a module.
        var scripts = string.Concat(files.All.Values.Where(f => f.Name.EndsWith(".js", StringComparison.Ordinal)).Select(f => System.Text.Encoding.UTF8.GetString(f.Content)));
        foreach (var name in files.All.Keys.Where(n => n != WebConsoleEndpoints.Page))
            Assert.True(html.Contains($"\"{name}\"", StringComparison.Ordinal) || scripts.Contains($"\"./{name}\"", StringComparison.Ordinal), $"{name} is not loaded by the page");
        output.WriteLine($"console: {files.All.Count} files, {total} bytes uncompressed");
        Assert.Equal(files.All.Values.Sum(f => (long)f.Content.Length), total);
        Assert.True(total < 300 * 1024, $"the page weighs {total} bytes");
    }
}
