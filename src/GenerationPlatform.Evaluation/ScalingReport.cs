using System.Globalization;
using System.Text;

namespace GenerationPlatform.Evaluation;

/// <summary>Keeps scaling points in a CSV (merging reruns by series and budget) and renders plots and a Markdown table from it.</summary>
public static class ScalingReport
{
    private static readonly string[] LegacyColumns =
        ["series", "extra_candidates", "budget_nfe", "mean_total_nfe", "mean_search_nfe", "fid", "inception_score", "precision", "recall", "conditional_accuracy",
            "mean_verifier_score", "images", "wall_seconds"];

    /// <summary>fd_resnet is empty when not computed; files written before it existed still read (as NaN).</summary>
    private static readonly string[] FdColumns = [.. LegacyColumns, "fd_resnet"];

    /// <summary>
    /// fid .. conditional_accuracy are the verifiers' CNN's (as before issue 13); eval_* the evaluation classifier's,
    /// empty for points measured before it existed.
    /// </summary>
    private static readonly string[] EvalColumns = [.. FdColumns, "eval_fid", "eval_inception_score", "eval_precision", "eval_recall", "eval_accuracy"];

    /// <summary>The diversity columns (empty for points measured before they were recorded; files without them still read).</summary>
    private static readonly string[] Columns = [.. EvalColumns, "eval_within_class_distance", "pixel_within_class_distance"];

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static List<ScalingPoint> Read(string csvPath)
    {
        if (!File.Exists(csvPath)) return [];
        var lines = File.ReadAllLines(csvPath);
        var header = lines.Length == 0 ? null : new[] { LegacyColumns, FdColumns, EvalColumns, Columns }.FirstOrDefault(c => lines[0] == string.Join(',', c));
        if (header is null) throw new InvalidDataException($"{csvPath}: unexpected header (expected {string.Join(',', Columns)})");
        int width = header.Length;
        return lines.Skip(1).Select((l, i) => (Line: l, Number: i + 2)).Where(x => x.Line.Length > 0).Select(x =>
        {
            var f = SplitCsv(x.Line);
            if (f.Length != width) throw new InvalidDataException($"{csvPath}:{x.Number}: {f.Length} fields, expected {width}");
            double D(int i) => f[i].Length == 0 ? double.NaN : double.Parse(f[i], Inv);
            double O(int i) => i < width ? D(i) : double.NaN;
            return new ScalingPoint(f[0], int.Parse(f[1], Inv), long.Parse(f[2], Inv), D(3), D(4), D(5), D(6), D(7), D(8), D(9), D(10), int.Parse(f[11], Inv), D(12),
                O(13), O(14), O(15), O(16), O(17), O(18), O(19), O(20));
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
            sb.Append(string.Join(',', Quote(p.Series), p.ExtraCandidates.ToString(Inv), p.BudgetNfe.ToString(Inv), F(p.MeanTotalNfe), F(p.MeanSearchNfe), F(p.Fid),
                F(p.InceptionScore),
                F(p.Precision), F(p.Recall), F(p.ConditionalAccuracy), F(p.MeanVerifierScore), p.Images.ToString(Inv), F(p.WallSeconds), F(p.FdResNet),
                F(p.EvalFid), F(p.EvalInceptionScore), F(p.EvalPrecision), F(p.EvalRecall), F(p.EvalAccuracy), F(p.EvalWithinClassDistance),
                F(p.PixelWithinClassDistance))).Append('\n');
        var tmp = csvPath + ".tmp";
        File.WriteAllText(tmp, sb.ToString());
        File.Move(tmp, csvPath, overwrite: true);
    }

    internal static string F(double v) => double.IsNaN(v) ? "" : v.ToString("G6", Inv);

    /// <summary>RFC 4180 quoting: series such as `random:ensemble(a,b)` contain commas.</summary>
    internal static string Quote(string field) =>
        field.IndexOfAny([',', '"', '\n']) < 0 ? field : "\"" + field.Replace("\"", "\"\"") + "\"";

    internal static string[] SplitCsv(string line)
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

    /// <summary>
    /// The table of points: the evaluation classifier's metrics first ("–" for points measured before it), then the
    /// verifiers' CNN's (the numbers before issue 13), FD in ResNet-18 features, the verifier score and the cost. With
    /// <paramref name="verifierCost"/> (series name to cell text), a column next to the NFE gives what the series' verifier
    /// costs per image it scores, in NFE-equivalents of the denoiser (docs/SCALING.md, "Verifier cost").
    /// </summary>
    public static string MarkdownTable(IReadOnlyList<ScalingPoint> points, Func<string, string>? verifierCost = null)
    {
        bool cost = verifierCost is not null;
        var sb = new StringBuilder("| series | extra candidates | mean total NFE |" + (cost ? " verifier NFE-eq per scored image |" : "")
            + " FID | FD ResNet-18 | IS | precision | recall | within-class distance (eval features) | within-class distance (pixels) | cond. accuracy |"
            + " FID (verifier CNN) | IS (verifier CNN) | precision (verifier CNN) | recall (verifier CNN) |"
            + " accuracy (verifier CNN) | verifier score | images | wall s |\n|---|---|---|"
            + (cost ? "---|" : "") + "---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        static string M(double v, string format) => double.IsNaN(v) ? "–" : v.ToString(format, Inv);
        foreach (var p in points)
            sb.Append(Inv, $"| {p.Series} | {p.ExtraCandidates} | {p.MeanTotalNfe:F0} |{(cost ? $" {verifierCost!(p.Series)} |" : "")}"
                + $" {M(p.EvalFid, "F2")} | {M(p.FdResNet, "F2")} | {M(p.EvalInceptionScore, "F3")} | {M(p.EvalPrecision, "F3")} | {M(p.EvalRecall, "F3")} |"
                + $" {M(p.EvalWithinClassDistance, "F3")} | {M(p.PixelWithinClassDistance, "F2")} | {M(p.EvalAccuracy, "P1")} |"
                + $" {p.Fid:F2} | {p.InceptionScore:F3} | {p.Precision:F3} | {p.Recall:F3} | {p.ConditionalAccuracy:P1} |"
                + $" {p.MeanVerifierScore:F3} | {p.Images} | {p.WallSeconds:F0} |\n");
        return sb.ToString();
    }

    /// <summary>The panel a series is drawn in: its verifier's family (the steps baseline is drawn in every panel, the stochastic one next to the particle curves).</summary>
    public static string Family(string series)
    {
        var verifier = ScalingSeries.Parse(series).Verifier;
        return verifier switch
        {
            null => "steps",
            "classifier" => "classifier",
            "class-gaussian" => "class-gaussian",
            "resnet-probe" or "self-consistency" => "ResNet-18 verifiers",
            _ when verifier.StartsWith("ensemble(", StringComparison.Ordinal) => "rank ensembles",
            _ => "other verifiers",
        };
    }

    private static readonly string[] FamilyOrder = ["classifier", "class-gaussian", "ResNet-18 verifiers", "rank ensembles", "other verifiers"];

    private sealed record PlotMetric(string File, string Label, Func<ScalingPoint, double> Value, Func<ImageRecord, string, double>? PerImage = null, bool ShareY = true);

    /// <summary>The per-image value of the verifier-score plot: the panel's own verifier where every series has it (steps included), else the searched one.</summary>
    private static double PanelScore(ImageRecord r, string family) => family switch
    {
        "classifier" => r.ClassifierScore,
        "class-gaussian" => r.ClassGaussianScore,
        _ => r.VerifierScore,
    };

    /// <summary>
    /// One PNG per metric, one panel per verifier family (the steps baseline in each), mean total NFE on a log axis;
    /// where the points have per-image records (accuracy, verifier score), the 95% bootstrap interval of the mean is a band.
    /// </summary>
    public static IReadOnlyList<string> Plot(IReadOnlyList<ScalingPoint> points, string directory, IReadOnlyList<ImageRecord>? records = null)
    {
        var metrics = new PlotMetric[]
        {
            new("fid", "FID (evaluation classifier, lower is better)", p => p.EvalFid),
            new("fid-verifier-cnn", "FID (verifiers' CNN, as before issue 13)", p => p.Fid),
            new("fd-resnet", "FD (ResNet-18 features, lower is better)", p => p.FdResNet),
            new("inception-score", "Inception-style score (evaluation classifier)", p => p.EvalInceptionScore),
            new("precision", "precision (k-NN, evaluation classifier)", p => p.EvalPrecision),
            new("recall", "recall (k-NN, evaluation classifier)", p => p.EvalRecall),
            new("conditional-accuracy", "conditional accuracy (evaluation classifier)", p => p.EvalAccuracy, (r, _) => r.EvalCorrect ? 1 : 0),
            new("verifier-score", "mean verifier score", p => double.NaN, PanelScore, ShareY: false),
        };
        var byPoint = (records ?? []).GroupBy(r => (r.Series, r.ExtraCandidates)).ToDictionary(g => g.Key, g => g.OrderBy(r => r.Index).ToArray());
        var written = new List<string>();
        foreach (var metric in metrics)
        {
            // Per panel: (series, [(nfe, value, lower, upper)]).
            var panels = new List<(string Family, List<(string Series, (double Nfe, double Value, double Lo, double Hi)[] Points)> Lines)>();
            foreach (var family in FamilyOrder)
            {
                var members = points.Where(p => Family(p.Series) == family
                    || Family(p.Series) == "steps" && (p.Series == "steps" || family is "classifier" or "class-gaussian")).ToList();
                if (!members.Any(p => Family(p.Series) == family)) continue;
                var lines = new List<(string, (double, double, double, double)[])>();
                foreach (var series in members.GroupBy(p => p.Series).OrderBy(g => g.Key == "steps" ? 0 : g.Key == "stochastic" ? 1 : 2).ThenBy(g => g.Key, StringComparer.Ordinal))
                {
                    var pts = series.OrderBy(p => p.MeanTotalNfe).Select(p =>
                    {
                        double value = metric.Value(p), lo = double.NaN, hi = double.NaN;
                        if (metric.PerImage is { } per && byPoint.TryGetValue((p.Series, p.ExtraCandidates), out var recs))
                        {
                            var values = recs.Select(r => per(r, family)).ToArray();
                            if (values.All(double.IsFinite))
                            {
                                var ci = PairedBootstrap.Mean(values, resamples: 2000);
                                (value, lo, hi) = (ci.Estimate, ci.Lower, ci.Upper);
                            }
                        }
                        return (p.MeanTotalNfe, value, lo, hi);
                    }).Where(x => double.IsFinite(x.value)).ToArray();
                    if (pts.Length > 0) lines.Add((series.Key, pts));
                }
                if (lines.Any(l => Family(l.Item1) == family)) panels.Add((family, lines));
            }
            if (panels.Count == 0) continue;
            var all = panels.SelectMany(p => p.Lines).SelectMany(l => l.Points).Select(x => new NfePoint(x.Nfe, x.Value, x.Lo, x.Hi)).ToArray();
            var yRange = NfePlots.ValueRange(all);
            var xRange = NfePlots.LogRange(all);
            var images = new List<byte[]>();
            foreach (var (family, lines) in panels)
            {
                int index = 0;
                var drawn = lines.Select(l => new NfeLine(l.Series, l.Points.Select(x => new NfePoint(x.Nfe, x.Value, x.Lo, x.Hi)).ToArray(),
                    l.Series == "steps" ? NfeLineStyle.Steps : l.Series == "stochastic" ? NfeLineStyle.Stochastic : NfeLineStyle.Series,
                    l.Series is "steps" or "stochastic" ? 0 : index++)).ToArray();
                var title = metric.File != "verifier-score" ? family : family switch
                {
                    "classifier" => "classifier: p(class), scored for every series",
                    "class-gaussian" => "class-gaussian: log-density, scored for every series",
                    _ => family + ": the searched verifier's score",
                };
                images.Add(NfePlots.Panel(title, metric.Label, drawn, xRange, metric.ShareY ? yRange : null));
            }
            var path = Path.Combine(directory, $"scaling-{metric.File}.png");
            NfePlots.SavePanels(images, path);
            written.Add(path);
        }
        return written;
    }
}
