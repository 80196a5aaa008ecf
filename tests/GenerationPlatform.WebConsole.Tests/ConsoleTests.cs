using System.Globalization;
using GenerationPlatform.Api.V1;
using OpenQA.Selenium;
using Xunit.Abstractions;

namespace GenerationPlatform.WebConsole.Tests;

/// <summary>
/// The console in a real browser against the real platform: signing in, a class search and a prompt search composed on the
/// form and watched round by round, a cancel, refusals next to their fields; a screenshot of each state.
/// </summary>
public sealed class ConsoleTests(ConsoleFixture fixture, ITestOutputHelper output) : IClassFixture<ConsoleFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);
    private IWebDriver Browser => fixture.Browser;

    private void Open()
    {
        Browser.Navigate().GoToUrl(fixture.Console);
        var source = Browser.PageSource;
        Assert.True(Browser.Url.StartsWith(fixture.Console.ToString(), StringComparison.Ordinal),
            $"{fixture.Console} opened as {Browser.Url}: {source[..Math.Min(400, source.Length)]}");
        ((IJavaScriptExecutor)Browser).ExecuteScript("sessionStorage.clear();");
        Browser.Navigate().Refresh();
        Until(() => Browser.FindElement(By.Id("api-key")).Displayed, "the sign-in form");
    }

    private void SignIn(string key)
    {
        Type("api-key", key);
        Browser.FindElement(By.CssSelector("#sign-in-form button[type=submit]")).Click();
    }

    private void SignedIn()
    {
        Open();
        SignIn(ConsoleFixture.Key);
        Until(() => Browser.FindElement(By.Id("app")).Displayed && Browser.FindElements(By.CssSelector("#model option")).Count > 0, "the signed-in console");
    }

    private IWebElement El(string id) => Browser.FindElement(By.Id(id));

    private void Type(string id, string text)
    {
        var input = El(id);
        input.Clear();
        if (text.Length > 0) input.SendKeys(text);
    }

    private void Choose(string id, string value) =>
        El(id).FindElement(By.CssSelector($"option[value='{value}']")).Click();

    private void Until(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? Patience);
        Exception? last = null;
        while (DateTime.UtcNow < until)
        {
            try
            {
                if (condition()) return;
            }
            catch (WebDriverException e) { last = e; }
            Thread.Sleep(50);
        }
        Shot("timed-out");
        throw new TimeoutException($"{what}: not seen after {timeout ?? Patience}; status: '{El("status").Text}'; form: '{El("err-form").Text}'", last);
    }

    /// <summary>Saves what the window shows, scrolled to <paramref name="section"/> when given.</summary>
    private void Shot(string name, string? section = null)
    {
        if (section is not null) ((IJavaScriptExecutor)Browser).ExecuteScript("document.getElementById(arguments[0]).scrollIntoView({ block: 'start' });", section);
        ((ITakesScreenshot)Browser).GetScreenshot().SaveAsFile(Path.Combine(fixture.Screenshots, $"{name}.png"));
    }

    /// <summary>A class search on the form: Sneaker, random search in rounds of 4, Euler 4 steps, 3 pictures an update.</summary>
    private void ComposeClassSearch(int budget, int topK = 2)
    {
        Choose("model", ConsoleFixture.ClassModel);
        Choose("class", "7");
        Choose("algorithm", "random");
        Type("param-candidates-per-round", "4");
        Type("budget_nfe", budget.ToString(CultureInfo.InvariantCulture));
        Type("top_k", topK.ToString(CultureInfo.InvariantCulture));
        Type("seed", "1");
        Choose("sampler", "SAMPLER_EULER");
        Type("steps", "4");
        Type("previews", "3");
    }

    private void Run() => El("run").Click();

    private string JobId()
    {
        Until(() => El("watch").Displayed && El("job-id").Text.StartsWith("job-", StringComparison.Ordinal), "the job's live view");
        return El("job-id").Text;
    }

    [Fact]
    public void AWrongKeyIsRefusedAndTheRightOneSignsInWithoutPuttingTheKeyInTheUrl()
    {
        Open();
        SignIn("not-a-key-of-anyone-000");
        Until(() => El("err-api-key").Text.Length > 0, "the refusal");
        Assert.Equal("That API key was not accepted: check it and sign in again.", El("err-api-key").Text);
        Assert.False(El("app").Displayed);
        Shot("sign-in-refused");

        SignIn(ConsoleFixture.Key);
        Until(() => El("app").Displayed, "the console");
        Assert.Contains("console", El("tenant").Text, StringComparison.Ordinal);
        Assert.DoesNotContain(ConsoleFixture.Key, Browser.Url, StringComparison.Ordinal);
        var js = (IJavaScriptExecutor)Browser;
        Assert.Equal(0L, js.ExecuteScript("return localStorage.length;"));
        Assert.Equal(ConsoleFixture.Key, js.ExecuteScript("return sessionStorage.getItem('genplat.apiKey');"));
        // The form is the API's catalogue: both models, the class model's ten classes, every algorithm.
        Assert.Equal([ConsoleFixture.TextModel, ConsoleFixture.ClassModel],
            Browser.FindElements(By.CssSelector("#model option")).Select(o => o.GetAttribute("value")).Order(StringComparer.Ordinal));
        Choose("model", ConsoleFixture.ClassModel);
        Assert.Equal(10, Browser.FindElements(By.CssSelector("#class option")).Count);
        Assert.Contains("beam", Browser.FindElements(By.CssSelector("#algorithm option")).Select(o => o.GetAttribute("value")));
    }

    [Fact]
    public void AClassSearchShowsRoundsWithPicturesAndScoresThenItsResultHistoryAndUsage()
    {
        SignedIn();
        ComposeClassSearch(budget: 48);
        Assert.Contains("NFE-equivalents per scored image", El("verifier-cost").Text, StringComparison.Ordinal);
        Run();
        var id = JobId();
        Until(() => Browser.FindElements(By.CssSelector("#rounds > li")).Count >= 2, "two rounds");
        Until(() => Browser.FindElements(By.CssSelector("#result-images img")).Count == 2, "the result's two images");
        Assert.Equal("completed", El("job-state").Text);

        var rounds = Browser.FindElements(By.CssSelector("#rounds > li"));
        Assert.Equal(3, rounds.Count); // 48 NFE of 4-step samples in rounds of 4: 12 samples, 3 rounds
        foreach (var round in rounds)
        {
            Assert.Matches(@"^Round \d+: best -?\d+\.\d{4}", round.Text);
            var thumbs = round.FindElements(By.CssSelector(".thumbs img"));
            Assert.InRange(thumbs.Count, 0, 3); // an update read after the next one was recorded has lost its pictures to it
            Assert.All(thumbs, t => Assert.StartsWith("data:image/png;base64,", t.GetDomAttribute("src"), StringComparison.Ordinal));
        }
        // The newest round always has them: 3 asked for, of the best so far, which are top-k (2).
        Assert.Equal(2, rounds[0].FindElements(By.CssSelector(".thumbs img")).Count);
        var latencies = rounds.Select(r => int.Parse(r.GetAttribute("data-latency-ms")!, CultureInfo.InvariantCulture)).ToArray();
        output.WriteLine($"console: each round shown {string.Join(", ", latencies.Reverse())} ms after the job recorded it (first round first)");
        Assert.Equal("NFE spent: 48 of 48", El("nfe-label").Text);
        Assert.Equal("48", El("nfe-bar").GetAttribute("value"));
        Shot("class-search-result", "watch");

        // The result: two images at 8x, scores, the seeds that regenerate each, PNG and JSON downloads.
        var images = Browser.FindElements(By.CssSelector("#result-images figure"));
        Assert.All(images, f =>
        {
            Assert.Equal("224", f.FindElement(By.TagName("img")).GetDomAttribute("width"));
            Assert.Matches(@"seed 1, round \d+, candidate \d+", f.Text);
            Assert.StartsWith("blob:", f.FindElement(By.TagName("a")).GetAttribute("href"), StringComparison.Ordinal);
        });
        Assert.StartsWith("blob:", El("download-json").GetAttribute("href"), StringComparison.Ordinal);

        // The history lists the job, usage counts it.
        El("history-refresh").Click();
        Until(() => Browser.FindElements(By.CssSelector($"#history-rows button[title='{id}']")).Count == 1, "the job in the history");
        Until(() => El("usage-list").Text.Contains("Jobs admitted, ever", StringComparison.Ordinal), "usage");

        // Run again with more budget: the same request, twice the budget, on the form.
        El("run-again").Click();
        Until(() => El("budget_nfe").GetAttribute("value") == "96", "the doubled budget");
        Assert.Equal("1", El("seed").GetAttribute("value"));
        Assert.Equal("4", El("param-candidates-per-round").GetAttribute("value"));
    }

    [Fact]
    public void APromptSearchRunsOnTheTextModel()
    {
        SignedIn();
        Choose("model", ConsoleFixture.TextModel);
        Until(() => El("prompt").Displayed && !El("class").Displayed, "the prompt box");
        Type("prompt", "a red dress");
        Choose("algorithm", "random");
        Type("param-candidates-per-round", "4");
        Type("budget_nfe", "32");
        Type("top_k", "1");
        Type("seed", "3");
        Choose("sampler", "SAMPLER_EULER");
        Type("steps", "4");
        Run();
        JobId();
        Until(() => Browser.FindElements(By.CssSelector("#result-images img")).Count == 1, "the result's image", Patience);
        Assert.Equal(2, Browser.FindElements(By.CssSelector("#rounds > li")).Count);
        Assert.Contains("text-align", El("result-summary").Text, StringComparison.Ordinal);
        Shot("prompt-search-result", "watch");
    }

    [Fact]
    public void ALongJobIsFollowedAcrossCutStreamsWithoutAGapOrARepeatThenCancelled()
    {
        SignedIn();
        ComposeClassSearch(budget: 4000);
        Run();
        JobId();
        // The fixture's streams last a second: by four, the page has re-attached at least three times.
        var js = (IJavaScriptExecutor)Browser;
        Until(() => (long)js.ExecuteScript("return performance.getEntriesByType('resource').filter(e => e.name.includes(':watch')).length;")! >= 4,
            "four watch calls");
        El("cancel").Click();
        Until(() => El("job-state").Text.StartsWith("cancelled", StringComparison.Ordinal), "the cancelled state");
        Assert.False(El("cancel").Enabled);
        Assert.True(int.Parse(El("nfe-bar").GetAttribute("value")!, CultureInfo.InvariantCulture) < 4000);
        // Every update once, in order: the indices of the rounds shown are consecutive (accepted is 0, so rounds start at 1).
        var indices = Browser.FindElements(By.CssSelector("#rounds > li")).Select(li => int.Parse(li.GetDomAttribute("data-index")!, CultureInfo.InvariantCulture))
            .Reverse().ToArray();
        Assert.True(indices.Length >= 2, $"{indices.Length} rounds");
        Assert.Equal(Enumerable.Range(1, indices.Length), indices);
        Shot("cancelled", "watch");
    }

    [Theory]
    // Checked on the page, before anything is sent.
    [InlineData("top_k", "20", "top_k: must be a whole number from 1 to 16 (got 20)")]
    [InlineData("budget_nfe", "0", "budget_nfe: must be a whole number from 1 to 5000 (got 0)")]
    [InlineData("previews", "9", "previews: must be a whole number from 0 to 4 (got 9)")]
    // Refused by the API, shown next to the field its message names.
    [InlineData("budget_nfe", "6", "budget_nfe: must cover at least top_k full samples: 2 x 4 = 8 NFE (got 6)")]
    [InlineData("param-candidates-per-round", "5000", "algorithm: ")]
    public void ARefusalAppearsNextToItsField(string input, string value, string message)
    {
        SignedIn();
        ComposeClassSearch(budget: 48);
        Type(input, value);
        Run();
        var field = message[..message.IndexOf(':', StringComparison.Ordinal)];
        Until(() => El($"err-{field}").Text.Length > 0, $"the message next to {field}");
        Assert.StartsWith(message, El($"err-{field}").Text, StringComparison.Ordinal);
        Assert.Equal("true", El(field).GetAttribute("aria-invalid"));
        Assert.False(El("watch").Displayed); // no job was started
        Shot($"refused-{field}");
    }

    [Fact]
    public void APromptTheApiRefusesIsShownNextToThePromptBox()
    {
        SignedIn();
        Choose("model", ConsoleFixture.TextModel);
        Type("prompt", "a red\u200b dress");
        Type("budget_nfe", "32");
        Run();
        Until(() => El("err-prompt").Text.Length > 0, "the message next to the prompt");
        Assert.StartsWith("prompt: ", El("err-prompt").Text, StringComparison.Ordinal);
        Assert.Contains("U+200B", El("err-prompt").Text, StringComparison.Ordinal);
    }

    [Fact]
    public void NoAccessibilityRuleIsBrokenSignedOutComposingOrShowingAResult()
    {
        Open();
        Assert.Empty(Accessibility.Violations(Browser));
        SignedIn();
        ComposeClassSearch(budget: 48);
        Assert.Empty(Accessibility.Violations(Browser));
        Run();
        JobId();
        Until(() => Browser.FindElements(By.CssSelector("#result-images img")).Count == 2, "the result's two images");
        Type("top_k", "20");
        Run(); // a refusal on the page as well
        Until(() => El("err-top_k").Text.Length > 0, "the refusal");
        Assert.Empty(Accessibility.Violations(Browser));
        // The form is used with the keyboard alone: Tab from the model reaches the next field.
        El("model").SendKeys(Keys.Tab);
        Assert.Equal("class", Browser.SwitchTo().ActiveElement().GetDomAttribute("id"));
    }

    [Fact]
    public void EveryFieldOfARequestHasAPlaceForItsMessageOnTheForm()
    {
        SignedIn();
        var missing = GenerateRequest.Descriptor.Fields.InDeclarationOrder().Select(f => f.Name)
            .Where(name => Browser.FindElements(By.Id($"err-{name}")).Count != 1).ToArray();
        Assert.Empty(missing);
    }
}
