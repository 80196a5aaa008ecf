using OpenQA.Selenium;

namespace GenerationPlatform.WebConsole.Tests;

/// <summary>axe-core (Deque's accessibility engine, from the Deque.AxeCore.Commons package) run in the page: WCAG 2 A and AA rules.</summary>
public static class Accessibility
{
    private static readonly Lazy<string> Source = new(() =>
    {
        var assembly = typeof(Deque.AxeCore.Commons.AxeResult).Assembly;
        using var stream = assembly.GetManifestResourceStream("Deque.AxeCore.Commons.Resources.axe.min.js")
            ?? throw new InvalidOperationException("axe.min.js is not in Deque.AxeCore.Commons");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    /// <summary>The page's violations, one line each (rule, impact, elements); empty when there are none.</summary>
    public static IReadOnlyList<string> Violations(IWebDriver browser)
    {
        var js = (IJavaScriptExecutor)browser;
        js.ExecuteScript(Source.Value);
        var found = (string)((IJavaScriptExecutor)browser).ExecuteAsyncScript("""
            const done = arguments[arguments.length - 1];
            axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } })
              .then(r => done(r.violations.map(v => `${v.id} (${v.impact}): ${v.nodes.map(n => n.target.join(" ")).join(", ")}`).join("\n")))
              .catch(e => done("axe failed: " + e));
            """)!;
        return found.Length == 0 ? [] : found.Split('\n');
    }
}
