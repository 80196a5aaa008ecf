using GenerationPlatform.Evaluation;
using System.Globalization;
using System.Text;
using GenerationPlatform.Text;

namespace GenerationPlatform.Research.TextEval;

/// <summary>
/// summary.md of an eval-text folder, from every series TSV there: per category, the same with intervals resampling whole
/// prompts (<see cref="TextCategoryIntervals"/>; the benchmark's prompts tell its colour column which prompts ask a class and
/// a colour only), and paired differences against no search.
/// </summary>
internal static class TextEvalSummary
{
    private const string Baseline = "none+0";

    public static void Write(string dir, IReadOnlyList<BenchmarkPrompt>? prompts)
    {
        var all = TextSeriesFiles.In(dir).ToDictionary(f => Path.GetFileNameWithoutExtension(f), TextSeriesFiles.Read);
        var sb = new StringBuilder("# eval-text summary\n\n");
        sb.Append("Units are (prompt, seed). all-met: every asked property met (class by the evaluation classifier (docs/MODEL.md; no verifier uses it) "
            + "on luminance, colour, orientation and surface by the measurement functions); "
            + "fraction: mean fraction of asked properties met; class: class correct; align: mean text-align cosine; "
            + "diversity: mean pixel RMS distance between a prompt's seeds (0-2 scale of [-1, 1] images; – where the TSVs carry no images); NFE: mean per unit.\n\n");
        sb.Append("| series | category | units | all-met | fraction | class | align | diversity | NFE | s/unit |\n|---|---|---|---|---|---|---|---|---|---|\n");
        foreach (var (name, units) in all.OrderBy(kv => SortKey(kv.Key)))
        {
            foreach (var group in units.GroupBy(u => u.Category).OrderBy(g => Array.IndexOf(PromptBenchmark.Categories.ToArray(), g.Key)).Append(null))
            {
                var us = group?.ToList() ?? units;
                var diversity = Diversity(us) is var dv && double.IsNaN(dv) ? "–" : dv.ToString("F3", CultureInfo.InvariantCulture);
                sb.Append(CultureInfo.InvariantCulture,
                    $"| {name} | {group?.Key ?? "**all**"} | {us.Count} | {us.Average(u => u.AllMet ? 1.0 : 0):P1} | {us.Average(u => u.Fraction):F3} | "
                    + $"{us.Average(u => u.ClassCorrect ? 1.0 : 0):P1} | {us.Average(u => u.TextAlign):F3} | {diversity} | {us.Average(u => u.Nfe):F0} | "
                    + $"{us.Average(u => u.Seconds):F2} |\n");
            }
        }
        sb.Append(TextCategoryIntervals.Markdown(all.OrderBy(kv => SortKey(kv.Key)).Select(kv => (kv.Key,
            (IReadOnlyList<TextUnit>)kv.Value
                .Select(u => new TextUnit(u.PromptId, u.Category, u.Seed, u.AllMet, u.Fraction, u.ClassCorrect, u.TextAlign, u.Nfe)).ToList())), prompts));
        if (all.TryGetValue(Baseline, out var baseline)) AppendPairedDifferences(sb, all, baseline);
        var enc = Path.Combine(dir, EncodingTiming.FileName);
        if (File.Exists(enc)) sb.Append("\n## Text encoding\n\n").Append(File.ReadAllLines(enc).Last().TrimStart('#', ' ')).Append('\n');
        File.WriteAllText(Path.Combine(dir, "summary.md"), sb.ToString());
    }

    private static void AppendPairedDifferences(StringBuilder sb, Dictionary<string, List<TextUnitResult>> all, List<TextUnitResult> baseline)
    {
        var byKey = baseline.ToDictionary(u => (u.PromptId, u.Seed));
        sb.Append("\n## Paired differences against no search (same prompts and seeds; 95% paired bootstrap, 2000 resamples)\n\n");
        sb.Append("| series | prompts | units | all-met (search) | all-met (none) | difference [95% interval] | fraction difference [95% interval] |\n"
            + "|---|---|---|---|---|---|---|\n");
        foreach (var (name, units) in all.Where(kv => kv.Key != Baseline).OrderBy(kv => SortKey(kv.Key)))
        {
            foreach (var (label, filter) in new (string, Func<TextUnitResult, bool>)[]
            {
                ("2-3 properties", u => u.Category is PromptBenchmark.TwoProperties or PromptBenchmark.ThreeProperties),
                ("all", _ => true),
            })
            {
                var pairs = units.Where(filter).Where(u => byKey.ContainsKey((u.PromptId, u.Seed))).Select(u => (u, b: byKey[(u.PromptId, u.Seed)])).ToArray();
                if (pairs.Length == 0) continue;
                var d = pairs.Select(x => (x.u.AllMet ? 1.0 : 0) - (x.b.AllMet ? 1.0 : 0)).ToArray();
                var df = pairs.Select(x => x.u.Fraction - x.b.Fraction).ToArray();
                var (lo, hi) = Bootstrap(d);
                var (flo, fhi) = Bootstrap(df);
                sb.Append(CultureInfo.InvariantCulture,
                    $"| {name} | {label} | {pairs.Length} | {pairs.Average(x => x.u.AllMet ? 1.0 : 0):P1} | {pairs.Average(x => x.b.AllMet ? 1.0 : 0):P1} | "
                    + $"{d.Average() * 100:+0.0;-0.0} pts [{lo * 100:+0.0;-0.0}, {hi * 100:+0.0;-0.0}] | "
                    + $"{df.Average():+0.000;-0.000} [{flo:+0.000;-0.000}, {fhi:+0.000;-0.000}] |\n");
            }
        }
    }

    private static (int, int, string) SortKey(string name)
    {
        int plus = name.LastIndexOf('+');
        int extra = int.Parse(name[(plus + 1)..], CultureInfo.InvariantCulture);
        return (name.StartsWith("none", StringComparison.Ordinal) ? 0 : name.StartsWith("steps", StringComparison.Ordinal) ? 1 : 2, extra, name);
    }

    /// <summary>Mean over prompts with at least two seeds of the mean pairwise RMS pixel distance between their images.</summary>
    private static double Diversity(List<TextUnitResult> units)
    {
        var perPrompt = new List<double>();
        foreach (var g in units.GroupBy(u => u.PromptId))
        {
            var imgs = g.Where(u => u.Image.Length > 0).Select(u => Convert.FromBase64String(u.Image)).ToArray();
            if (imgs.Length < 2) continue;
            double sum = 0;
            int pairs = 0;
            for (int i = 0; i < imgs.Length; i++)
                for (int j = i + 1; j < imgs.Length; j++)
                {
                    sum += RmsDistance(imgs[i], imgs[j]);
                    pairs++;
                }
            perPrompt.Add(sum / pairs);
        }
        return perPrompt.Count == 0 ? double.NaN : perPrompt.Average();
    }

    /// <summary>RMS distance of two 8-bit images on the [-1, 1] scale.</summary>
    private static double RmsDistance(byte[] a, byte[] b)
    {
        double acc = 0;
        for (int k = 0; k < a.Length; k++)
        {
            double diff = (a[k] - b[k]) / 127.5;
            acc += diff * diff;
        }
        return Math.Sqrt(acc / a.Length);
    }

    /// <summary>95% percentile interval of the mean of <paramref name="d"/> over 2000 resamples (fixed seed).</summary>
    private static (double Lo, double Hi) Bootstrap(double[] d)
    {
        var rng = new Random(20250612);
        var means = new double[2000];
        for (int r = 0; r < means.Length; r++)
        {
            double s = 0;
            for (int i = 0; i < d.Length; i++) s += d[rng.Next(d.Length)];
            means[r] = s / d.Length;
        }
        Array.Sort(means);
        return (means[49], means[1949]);
    }
}
