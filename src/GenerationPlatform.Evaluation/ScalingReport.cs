using System.Globalization;
using System.Text;

namespace GenerationPlatform.Evaluation;

/// <summary>Keeps scaling points in a CSV (merging reruns by series and budget) and renders plots and a Markdown table from it.</summary>
public static class ScalingReport
{
    private static readonly string[] LegacyColumns =
        ["series", "extra_candidates", "budget_nfe", "mean_total_nfe", "mean_search_nfe", "fid", "inception_score", "precision", "recall", "conditional_accuracy", "mean_verifier_score", "images", "wall_seconds"];

    /// <summary>fd_resnet is last and empty when not computed; files written before it existed still read (as NaN).</summary>
    private static readonly string[] Columns = [.. LegacyColumns, "fd_resnet"];

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static List<ScalingPoint> Read(string csvPath)
    {
        if (!File.Exists(csvPath)) return [];
        var lines = File.ReadAllLines(csvPath);
        bool legacy = lines.Length > 0 && lines[0] == string.Join(',', LegacyColumns);
        if (lines.Length == 0 || (!legacy && lines[0] != string.Join(',', Columns))) throw new InvalidDataException($"{csvPath}: unexpected header (expected {string.Join(',', Columns)})");
        int width = legacy ? LegacyColumns.Length : Columns.Length;
        return lines.Skip(1).Select((l, i) => (Line: l, Number: i + 2)).Where(x => x.Line.Length > 0).Select(x =>
        {
            var f = SplitCsv(x.Line);
            if (f.Length != width) throw new InvalidDataException($"{csvPath}:{x.Number}: {f.Length} fields, expected {width}");
            double D(int i) => f[i].Length == 0 ? double.NaN : double.Parse(f[i], Inv);
            return new ScalingPoint(f[0], int.Parse(f[1], Inv), long.Parse(f[2], Inv), D(3), D(4), D(5), D(6), D(7), D(8), D(9), D(10), int.Parse(f[11], Inv), D(12),
                legacy ? double.NaN : D(13));
        }).ToList();
    }

    public static List<ScalingPoint> Merge(IEnumerable<ScalingPoint> existing, IEnumerable<ScalingPoint> fresh)
    {
        var byKey = existing.ToDictionary(p => (p.Series, p.ExtraCandidates));
        foreach (var p in fresh) byKey[(p.Series, p.ExtraCandidates)] = p;
        return byKey.Values.OrderBy(p => p.Series, StringComparer.Ordinal).ThenBy(p => p.ExtraCandidates).ToList();
    }

    public static void Write(string csvPath, IReadOnlyList<ScalingPoint> points)
    {
        var sb = new StringBuilder(string.Join(',', Columns)).Append('\n');
        foreach (var p in points)
            sb.Append(string.Join(',', Quote(p.Series), p.ExtraCandidates.ToString(Inv), p.BudgetNfe.ToString(Inv), F(p.MeanTotalNfe), F(p.MeanSearchNfe), F(p.Fid), F(p.InceptionScore),
                F(p.Precision), F(p.Recall), F(p.ConditionalAccuracy), F(p.MeanVerifierScore), p.Images.ToString(Inv), F(p.WallSeconds), F(p.FdResNet))).Append('\n');
        var tmp = csvPath + ".tmp";
        File.WriteAllText(tmp, sb.ToString());
        File.Move(tmp, csvPath, overwrite: true);
    }

    private static string F(double v) => double.IsNaN(v) ? "" : v.ToString("G6", Inv);

    /// <summary>RFC 4180 quoting: series such as `random:ensemble(a,b)` contain commas.</summary>
    private static string Quote(string field) =>
        field.IndexOfAny([',', '"', '\n']) < 0 ? field : "\"" + field.Replace("\"", "\"\"") + "\"";

    private static string[] SplitCsv(string line)
    {
        var fields = new List<string>();
        var current = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { current.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else current.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { fields.Add(current.ToString()); current.Clear(); }
            else current.Append(c);
        }
        fields.Add(current.ToString());
        return fields.ToArray();
    }

    public static string MarkdownTable(IReadOnlyList<ScalingPoint> points)
    {
        var sb = new StringBuilder("| series | extra candidates | mean total NFE | FID | FD ResNet-18 | IS | precision | recall | cond. accuracy | verifier score | images | wall s |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        foreach (var p in points)
            sb.Append(Inv, $"| {p.Series} | {p.ExtraCandidates} | {p.MeanTotalNfe:F0} | {p.Fid:F2} | {(double.IsNaN(p.FdResNet) ? "–" : p.FdResNet.ToString("F2", Inv))} | {p.InceptionScore:F3} | {p.Precision:F3} | {p.Recall:F3} | {p.ConditionalAccuracy:P1} | {p.MeanVerifierScore:F3} | {p.Images} | {p.WallSeconds:F0} |\n");
        return sb.ToString();
    }

    /// <summary>One PNG per metric: a line per series against mean total NFE.</summary>
    public static IReadOnlyList<string> Plot(IReadOnlyList<ScalingPoint> points, string directory)
    {
        var metrics = new (string File, string Label, Func<ScalingPoint, double> Value)[]
        {
            ("fid", "FID (classifier features, lower is better)", p => p.Fid),
            ("fd-resnet", "FD (ResNet-18 features, lower is better)", p => p.FdResNet),
            ("inception-score", "Inception-style score", p => p.InceptionScore),
            ("precision", "precision (k-NN)", p => p.Precision),
            ("recall", "recall (k-NN)", p => p.Recall),
            ("conditional-accuracy", "conditional accuracy", p => p.ConditionalAccuracy),
        };
        var written = new List<string>();
        foreach (var (file, label, value) in metrics)
        {
            var measured = points.Where(p => !double.IsNaN(value(p))).ToList(); // FD ResNet-18 is optional
            if (measured.Count == 0) continue;
            var plot = new ScottPlot.Plot();
            var palette = new ScottPlot.Palettes.Category10();
            int index = 0;
            foreach (var series in measured.GroupBy(p => p.Series).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                var ordered = series.OrderBy(p => p.MeanTotalNfe).ToArray();
                var line = plot.Add.Scatter(ordered.Select(p => p.MeanTotalNfe).ToArray(), ordered.Select(value).ToArray());
                line.LegendText = series.Key;
                // Ten colours, then the same colours dashed with square markers: no two series look alike.
                line.Color = palette.GetColor(index % palette.Colors.Length);
                line.LineWidth = 1.5f;
                line.MarkerSize = 6;
                if (index / palette.Colors.Length % 2 == 1)
                {
                    line.LinePattern = ScottPlot.LinePattern.Dashed;
                    line.MarkerShape = ScottPlot.MarkerShape.FilledSquare;
                }
                index++;
            }
            plot.Axes.Bottom.Label.Text = "mean total NFE per image";
            plot.Axes.Left.Label.Text = label;
            // Outside the data area, so the legend never hides a curve.
            plot.ShowLegend(ScottPlot.Edge.Right);
            var path = Path.Combine(directory, $"scaling-{file}.png");
            plot.SavePng(path, 1150, 560);
            written.Add(path);
        }
        return written;
    }
}
