using OpenQA.Selenium.Chrome;

namespace GenerationPlatform.WebConsole.Tests;

/// <summary>The system's Chromium, headless, through the system's chromedriver (Debian: chromium, chromium-driver; .ci/run installs both).</summary>
public static class Chromium
{
    public static ChromeDriver Start()
    {
        var browser = Find("GENPLAT_CHROMIUM", "/usr/bin/chromium", "/usr/bin/chromium-browser");
        var driver = Find("GENPLAT_CHROMEDRIVER", "/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");
        var options = new ChromeOptions { BinaryLocation = browser };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,1600",
            "--no-first-run", "--disable-extensions", "--lang=en-US", $"--user-data-dir={Directory.CreateTempSubdirectory("genplat-chromium-").FullName}");
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(driver)!, Path.GetFileName(driver));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        return new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
    }

    private static string Find(string variable, params string[] candidates)
    {
        if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } set) return set;
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException($"none of {string.Join(", ", candidates)} exists: install Debian's chromium and chromium-driver "
                + $"(.ci/run does), or name the program with {variable}");
    }
}
