using System.Globalization;
using System.Text;

namespace GenerationPlatform.Evaluation;

/// <summary>
/// The plots of `genplat-research eval-text` (docs/TEXT.md), drawn from its per-unit records only:
/// <list type="bullet">
/// <item>text-scaling-{metric}-{n}-units.png: all-met rate and mean text-align against mean NFE per image (log axis), one
/// line per (algorithm, verifier), one panel per verifier, the no-search point and the steps baseline in every panel, 95%
/// bootstrap bands over (prompt, seed) units. Series measured on different unit sets are not mixed: there is one figure per
/// distinct unit set of the search series, and a point is drawn in it when its series covers that set, restricted to it.</item>
/// <item>text-no-search-by-category.png: per category, the no-search class-correct and all-met rates with 95% bootstrap intervals.</item>
/// <item>text-plots.md: every plotted value with its interval, so a number quoted from a plot can be traced.</item>
/// </list>
/// </summary>
public static class TextEvalPlots
{
    /// <summary>Resamples of every interval (over units; <see cref="PairedBootstrap.DefaultSeed"/>).</summary>
    public const int Resamples = 2000;

    private static readonly string[] VerifierOrder = ["text-align", "attributes", "ensemble"];

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private sealed record Metric(string File, string Label, Func<TextUnit, double> Value);

    private static readonly Metric[] Metrics =
    [
        new("all-met", "all properties met (% of units)", u => u.AllMet ? 100 : 0),
        new("text-align", "mean text-align cosine", u => u.TextAlign),
    ];

    /// <summary>Writes the PNGs into <paramref name="directory"/> and returns their paths (none when there is nothing to draw).</summary>
    public static IReadOnlyList<string> Plot(IReadOnlyList<TextSeries> series, string directory)
    {
        ArgumentNullException.ThrowIfNull(series);
        var written = new List<string>();
        var table = new StringBuilder("# eval-text plots: the plotted values\n\nMeans over (prompt, seed) units with 95% percentile bootstrap intervals ("
            + $"{Resamples} resamples of the units, seed {PairedBootstrap.DefaultSeed}); NFE: mean per unit.\n");
        var none = series.FirstOrDefault(s => s.Algorithm == "none");
        if (none is { Units.Count: > 0 })
            written.Add(NoSearchBars(none, Path.Combine(directory, "text-no-search-by-category.png"), table));

        var searched = series.Where(s => s.Algorithm != "none" && s.Units.Count > 0).ToList();
        var unitSets = searched.Where(s => s.Algorithm != "steps").Select(s => UnitKeys(s.Units)).ToList();
        var distinct = new List<HashSet<(string, int)>>();
        foreach (var set in unitSets.OrderBy(s => s.Count))
            if (!distinct.Any(d => d.SetEquals(set))) distinct.Add(set);
        var algorithms = searched.Where(s => s.Algorithm != "steps").Select(s => s.Algorithm).Distinct().Order(StringComparer.Ordinal).ToList();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var set in distinct)
        {
            var figure = series.Where(s => s.Units.Count > 0 && set.IsSubsetOf(UnitKeys(s.Units)))
                .Select(s => s with { Units = s.Units.Where(u => set.Contains((u.PromptId, u.Seed))).ToArray() }).ToList();
            var verifiers = figure.Where(s => s.Verifier is not null).Select(s => s.Verifier!).Distinct()
                .OrderBy(v => Array.IndexOf(VerifierOrder, v) is var i && i >= 0 ? i : VerifierOrder.Length).ThenBy(v => v, StringComparer.Ordinal).ToList();
            if (verifiers.Count == 0) continue;
            var categories = string.Join(", ", figure.SelectMany(s => s.Units).Select(u => u.Category).Distinct());
            string stem = $"{set.Count}-units";
            for (int k = 2; !names.Add(stem); k++) stem = $"{set.Count}-units-{k}";
            table.Append(Inv, $"\n## text-scaling-*-{stem}.png ({set.Count} units: {categories})\n\n"
                + $"| series | budget | units | NFE | all met | text-align |\n|---|---|---|---|---|---|\n");
            foreach (var row in figure.OrderBy(s => s.Algorithm == "none" ? 0 : s.Algorithm == "steps" ? 1 : 2).ThenBy(s => s.Verifier, StringComparer.Ordinal)
                .ThenBy(s => s.Algorithm, StringComparer.Ordinal).ThenBy(s => s.Extra))
            {
                var met = Point(row.Units, Metrics[0].Value);
                var align = Point(row.Units, Metrics[1].Value);
                var name = row.Verifier is null ? row.Algorithm : $"{row.Algorithm}:{row.Verifier}";
                table.Append(Inv, $"| {name} | +{row.Extra} | {row.Units.Count} | {met.Nfe:F0} | {met.Value:F1}% [{met.Lo:F1}, {met.Hi:F1}] | "
                    + $"{align.Value:F3} [{align.Lo:F3}, {align.Hi:F3}] |\n");
            }
            foreach (var metric in Metrics)
            {
                var panels = verifiers.Select(v => (Verifier: v, Lines: Lines(figure, v, metric, algorithms))).ToList();
                var points = panels.SelectMany(p => p.Lines).SelectMany(l => l.Points).ToArray();
                var x = NfePlots.LogRange(points);
                var y = NfePlots.ValueRange(points);
                var images = panels.Select(p => NfePlots.Panel($"verifier {p.Verifier} ({set.Count} units: {categories})", metric.Label, p.Lines, x, y)).ToList();
                var path = Path.Combine(directory, $"text-scaling-{metric.File}-{stem}.png");
                NfePlots.SavePanels(images, path, columns: 3);
                written.Add(path);
            }
        }
        var tablePath = Path.Combine(directory, "text-plots.md");
        File.WriteAllText(tablePath, table.ToString());
        written.Add(tablePath);
        return written;
    }

    private static HashSet<(string, int)> UnitKeys(IEnumerable<TextUnit> units) => units.Select(u => (u.PromptId, u.Seed)).ToHashSet();

    /// <summary>The panel of one verifier: no search, steps, then each algorithm that searched with it.</summary>
    private static List<NfeLine> Lines(List<TextSeries> figure, string verifier, Metric metric, List<string> algorithms)
    {
        var lines = new List<NfeLine>();
        void Add(string label, IEnumerable<TextSeries> members, NfeLineStyle style, int color = 0)
        {
            var pts = members.OrderBy(s => s.Extra).Select(s => Point(s.Units, metric.Value)).ToArray();
            if (pts.Length > 0) lines.Add(new NfeLine(label, pts, style, color));
        }
        Add("no search", figure.Where(s => s.Algorithm == "none"), NfeLineStyle.NoSearch);
        Add("steps (same NFE)", figure.Where(s => s.Algorithm == "steps"), NfeLineStyle.Steps);
        foreach (var a in algorithms)
            Add($"{a}:{verifier}", figure.Where(s => s.Algorithm == a && s.Verifier == verifier), NfeLineStyle.Series, algorithms.IndexOf(a));
        return lines;
    }

    private static NfePoint Point(IReadOnlyList<TextUnit> units, Func<TextUnit, double> value)
    {
        var ci = PairedBootstrap.Mean(units.Select(value).ToArray(), resamples: Resamples);
        return new NfePoint(units.Average(u => (double)u.Nfe), ci.Estimate, ci.Lower, ci.Upper);
    }

    /// <summary>Grouped bars per category (in the records' order) and over all: class correct and all met, with 95% intervals.</summary>
    private static string NoSearchBars(TextSeries none, string path, StringBuilder table)
    {
        var groups = none.Units.GroupBy(u => u.Category).Select(g => (Label: g.Key, Units: g.ToArray())).ToList();
        if (groups.Count > 1) groups.Add(("all", none.Units.ToArray()));
        var plot = new ScottPlot.Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var measures = new (string Label, Func<TextUnit, double> Value)[] { ("class correct", u => u.ClassCorrect ? 100 : 0), ("all properties met", u => u.AllMet ? 100 : 0) };
        const double width = 0.38;
        var whiskers = new List<(double Position, BootstrapInterval Interval)>();
        var rates = new BootstrapInterval[measures.Length, groups.Count];
        for (int m = 0; m < measures.Length; m++)
        {
            var bars = new List<ScottPlot.Bar>();
            for (int g = 0; g < groups.Count; g++)
            {
                var ci = rates[m, g] = PairedBootstrap.Mean(groups[g].Units.Select(measures[m].Value).ToArray(), resamples: Resamples);
                double position = g + (m - 0.5) * width;
                bars.Add(new ScottPlot.Bar { Position = position, Value = ci.Estimate, Size = width * 0.95, FillColor = palette.GetColor(m), LineWidth = 0 });
                whiskers.Add((position, ci));
            }
            plot.Add.Bars(bars).LegendText = measures[m].Label;
        }
        foreach (var (position, ci) in whiskers)
        {
            var whisker = plot.Add.Line(position, ci.Lower, position, ci.Upper);
            whisker.Color = ScottPlot.Colors.Black;
            whisker.LineWidth = 1.5f;
            var label = plot.Add.Text(ci.Estimate.ToString("F0", Inv), position, ci.Upper + 1.5);
            label.LabelFontSize = 10;
            label.LabelAlignment = ScottPlot.Alignment.LowerCenter;
        }
        table.Append("\n## text-no-search-by-category.png (no search)\n\n| category | units | " + string.Join(" | ", measures.Select(x => x.Label)) + " |\n|---|---|"
            + string.Concat(measures.Select(_ => "---|")) + "\n");
        for (int g = 0; g < groups.Count; g++)
        {
            table.Append(Inv, $"| {groups[g].Label} | {groups[g].Units.Length} |");
            for (int m = 0; m < measures.Length; m++) table.Append(Inv, $" {rates[m, g].Estimate:F1}% [{rates[m, g].Lower:F1}, {rates[m, g].Upper:F1}] |");
            table.Append('\n');
        }
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, groups.Count).Select(i => (double)i).ToArray(),
            groups.Select(g => $"{g.Label}\n({g.Units.Length} units)").ToArray());
        plot.Axes.Left.Label.Text = "% of units (95% bootstrap interval)";
        plot.Axes.Title.Label.Text = $"no search, Heun, {Math.Round(none.Units.Average(u => (double)u.Nfe))} NFE per image, by benchmark category";
        plot.Axes.SetLimitsY(0, 112);
        plot.Axes.SetLimitsX(-0.6, groups.Count - 0.4);
        plot.Legend.Alignment = ScottPlot.Alignment.UpperRight;
        plot.ShowLegend();
        plot.SavePng(path, 1100, 480);
        return path;
    }
}
