using GenerationPlatform.Testing;
using GenerationPlatform.Silo;
using Microsoft.AspNetCore.Builder;
using OpenQA.Selenium.Chrome;

namespace GenerationPlatform.WebConsole.Tests;

/// <summary>
/// The real embedded platform with the shipped models of both kinds (the class model through ONNX Runtime, the text model),
/// its real verifiers, HTTP/JSON and the console on a free loopback port, and a headless Chromium driven through chromedriver.
/// Screenshots go to <c>GENPLAT_CONSOLE_SCREENSHOTS</c> when set, else next to the tests.
/// </summary>
public sealed class ConsoleFixture : IAsyncLifetime
{
    public const string Key = "console-key-0123456789", OtherKey = "console-other-key-9876";
    public const string ClassModel = ShippedPlatformSettings.ClassModel, TextModel = ShippedPlatformSettings.TextModel;
    private readonly string results = Directory.CreateTempSubdirectory("genplat-console-").FullName;
    public WebApplication App { get; private set; } = null!;
    public ChromeDriver Browser { get; private set; } = null!;
    public PlatformEndpoints Endpoints => PlatformHost.Endpoints(App);
    public Uri Console => new(new Uri(Endpoints.Json!), "/console/");
    public string Screenshots { get; } = Environment.GetEnvironmentVariable("GENPLAT_CONSOLE_SCREENSHOTS") is { Length: > 0 } folder
        ? folder : Path.Combine(AppContext.BaseDirectory, "console-screenshots");

    public async Task InitializeAsync()
    {
        var settings = ShippedPlatformSettings.For(results).WithTenants([("console", Key), ("other", OtherKey)]);
        settings["GenerationPlatform:Tenants:Default:MaxBudgetPerRequest"] = "5000";
        // Watch streams cut after a second, as a dropped connection or the server's longest stream would: the page re-attaches.
        settings["GenerationPlatform:Api:Limits:MaxWatchDuration"] = "00:00:01";
        App = await EmbeddedPlatform.StartAsync(settings);
        Directory.CreateDirectory(Screenshots);
        Browser = Chromium.Start();
    }

    public async Task DisposeAsync()
    {
        Browser?.Quit();
        Browser?.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        Directory.Delete(results, recursive: true);
    }
}
