using System.Globalization;
using System.Text;
using GenerationPlatform.Text;

namespace GenerationPlatform.Evaluation;

/// <summary>
/// The per-category rates of <c>genplat eval-text</c> with 95% intervals that resample whole prompts
/// (<see cref="PromptBootstrap"/>): class correct, all properties met, and colour met on the prompts that ask a class
/// and a colour only (one-property colour prompts, held-out-lemma prompts with a colour word, the plain rare pairs),
/// where a unit's colour verdict is its met count (fraction x 2) less its class verdict.
/// </summary>
public static class TextCategoryIntervals
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>
    /// A markdown section: one row per series and category (in <see cref="PromptBenchmark.Categories"/> order), and one
    /// for all of a series' units. <paramref name="prompts"/> (the benchmark) says which prompts ask a class and a colour
    /// only; without it the colour column is left out.
    /// </summary>
    public static string Markdown(IEnumerable<(string Series, IReadOnlyList<TextUnit> Units)> series, IReadOnlyList<BenchmarkPrompt>? prompts)
    {
        ArgumentNullException.ThrowIfNull(series);
        var classAndColour = prompts?.Where(p => p.Colour is not null && p.Orientation is null && p.Surface is null).Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
        var sb = new StringBuilder("\n## Per category, 95% intervals resampling whole prompts\n\n");
        sb.Append(Inv, $"A prompt's seeds are resampled together ({PairedBootstrap.DefaultResamples} resamples, seed {PairedBootstrap.DefaultSeed}). ");
        sb.Append(classAndColour is null
            ? "Colour met needs the benchmark file (--benchmark).\n\n"
            : "colour met: on the prompts that ask a class and a colour only, a unit's colour verdict is its met count (fraction x 2) less its class verdict; "
                + "the number of such units in brackets.\n\n");
        sb.Append("| series | category | prompts | units | class correct | all met |")
            .Append(classAndColour is null ? "\n|---|---|---|---|---|---|\n" : " colour met (units) |\n|---|---|---|---|---|---|---|\n");
        foreach (var (name, units) in series)
        {
            var groups = units.GroupBy(u => u.Category).OrderBy(g => IndexOf(g.Key)).Select(g => (Label: g.Key, Units: g.ToList())).ToList();
            if (groups.Count > 1) groups.Add(("**all**", units.ToList()));
            foreach (var (label, us) in groups)
            {
                var byPrompt = us.GroupBy(u => u.PromptId).ToList();
                sb.Append(Inv, $"| {name} | {label} | {byPrompt.Count} | {us.Count} | {Rate(byPrompt, u => u.ClassCorrect)} | {Rate(byPrompt, u => u.AllMet)} |");
                if (classAndColour is not null)
                {
                    var asking = byPrompt.Where(g => classAndColour.Contains(g.Key)).ToList();
                    sb.Append(asking.Count == 0 ? " – |" : string.Format(Inv, " {0} ({1}) |", Rate(asking, ColourMet), asking.Sum(g => g.Count())));
                }
                sb.Append('\n');
            }
        }
        return sb.ToString();
    }

    /// <summary>Whether a class-and-colour unit met its colour: its met count (fraction of 2 asked) less its class verdict.</summary>
    public static bool ColourMet(TextUnit unit)
    {
        ArgumentNullException.ThrowIfNull(unit);
        return (int)Math.Round(unit.Fraction * 2) - (unit.ClassCorrect ? 1 : 0) == 1;
    }

    private static string Rate(List<IGrouping<string, TextUnit>> byPrompt, Func<TextUnit, bool> met)
    {
        var ci = PromptBootstrap.Mean(byPrompt.Select(g => (IReadOnlyList<double>)g.Select(u => met(u) ? 100.0 : 0).ToArray()).ToArray());
        return string.Format(Inv, "{0:F1}% [{1:F1}, {2:F1}]", ci.Estimate, ci.Lower, ci.Upper);
    }

    private static int IndexOf(string category)
    {
        int i = PromptBenchmark.Categories.ToList().IndexOf(category);
        return i < 0 ? int.MaxValue : i;
    }
}
