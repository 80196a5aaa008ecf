using System.Globalization;
using System.Text;

namespace GenerationPlatform.Evaluation;

/// <summary>
/// Paired differences between points from their per-image records: image i of every point has the same seed and
/// class, so a difference is taken image by image and its 95% interval is a paired bootstrap over the shared images
/// (<see cref="PairedBootstrap"/>). Intervals that exclude 0 are in bold.
/// </summary>
public static class ScalingComparisons
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The verifier score every series has, steps included, for a verifier whose score is recorded for all images.</summary>
    private static Func<ImageRecord, double>? CommonScore(string? verifier) => verifier switch
    {
        "classifier" => r => r.ClassifierScore,
        "class-gaussian" => r => r.ClassGaussianScore,
        _ => null,
    };

    /// <summary>The paired interval of mean(f(a) - f(b)) over the images both points have (same index and seed).</summary>
    public static BootstrapInterval? Difference(IReadOnlyList<ImageRecord> a, IReadOnlyList<ImageRecord> b, Func<ImageRecord, double> f,
        double confidence = 0.95)
    {
        var pairs = Paired(a, b).Select(x => (A: f(x.A), B: f(x.B))).Where(x => double.IsFinite(x.A) && double.IsFinite(x.B)).ToArray();
        if (pairs.Length < 2) return null;
        return PairedBootstrap.MeanDifference(pairs.Select(x => x.A).ToArray(), pairs.Select(x => x.B).ToArray(), confidence);
    }

    /// <summary>The exact McNemar test of the evaluation classifier's correctness over the images both points have (null: none shared).</summary>
    public static McNemarResult? AccuracyTest(IReadOnlyList<ImageRecord> a, IReadOnlyList<ImageRecord> b)
    {
        var pairs = Paired(a, b);
        return pairs.Count == 0 ? null : McNemarTest.Exact(pairs.Select(x => x.A.EvalCorrect).ToArray(), pairs.Select(x => x.B.EvalCorrect).ToArray());
    }

    /// <summary>The images of <paramref name="a"/> with their partner in <paramref name="b"/>: the same index, seed and class.</summary>
    public static IReadOnlyList<(ImageRecord A, ImageRecord B)> Paired(IReadOnlyList<ImageRecord> a, IReadOnlyList<ImageRecord> b)
    {
        var byIndex = b.ToDictionary(r => r.Index);
        return a.Where(r => byIndex.TryGetValue(r.Index, out var o) && o.Seed == r.Seed && o.Label == r.Label).Select(r => (r, byIndex[r.Index])).ToArray();
    }

    public static string Markdown(IReadOnlyList<ScalingPoint> points, IReadOnlyList<ImageRecord> records)
    {
        var byPoint = records.GroupBy(r => (r.Series, r.ExtraCandidates)).ToDictionary(g => g.Key, g => (IReadOnlyList<ImageRecord>)g.ToList());
        IReadOnlyList<ImageRecord>? Get(string series, int extra) => byPoint.GetValueOrDefault((series, extra));
        var nfe = points.ToDictionary(p => (p.Series, p.ExtraCandidates), p => p.MeanTotalNfe);
        var sb = new StringBuilder();
        sb.Append("Paired differences over the same images (seed and class), mean and 95% paired bootstrap interval (")
          .Append(PairedBootstrap.DefaultResamples.ToString(Inv)).Append(" resamples); **bold**: the interval excludes 0. Accuracy and p(class) are the evaluation classifier's; ")
          .Append("the verifier score is the searched verifier's where both sides have it (classifier p, class-Gaussian log-density; ")
          .Append("not the rank ensembles, whose scores are relative to each search's pool).\n\n");
        sb.Append("### Search against the steps baseline at the same budget, and against its own +0 point\n\n");
        sb.Append("| series | extra | NFE | accuracy vs steps (pts) | p(class) vs steps | verifier score vs steps | accuracy vs +0 (pts) | verifier score vs +0 |\n")
          .Append("|---|---|---|---|---|---|---|---|\n");
        var searched = byPoint.Where(kv => !ScalingSeries.Parse(kv.Key.Series).IsBaseline && kv.Key.ExtraCandidates > 0)
            .OrderBy(kv => kv.Key.Series, StringComparer.Ordinal).ThenBy(kv => kv.Key.ExtraCandidates);
        foreach (var ((series, extra), recs) in searched)
        {
            var verifier = ScalingSeries.Parse(series).Verifier;
            var common = CommonScore(verifier);
            var steps = Get("steps", extra);
            var zero = Get(series, 0) ?? Get("steps", 0);
            bool relative = verifier is not null && verifier.StartsWith("ensemble(", StringComparison.Ordinal);
            Func<ImageRecord, double>? ownScore = relative ? null : Get(series, 0) is not null ? r => r.VerifierScore : common;
            sb.Append(Inv, $"| {series} | +{extra} | {nfe.GetValueOrDefault((series, extra)):F0} | ")
              .Append(steps is null ? "–" : Accuracy(recs, steps)).Append(" | ")
              .Append(steps is null ? "–" : Score(Difference(recs, steps, r => r.EvalProbability))).Append(" | ")
              .Append(steps is null || common is null ? "–" : Score(Difference(recs, steps, common))).Append(" | ")
              .Append(zero is null ? "–" : Accuracy(recs, zero)).Append(" | ")
              .Append(zero is null || ownScore is null ? "–" : Score(Difference(recs, zero, ownScore))).Append(" |\n");
        }

        // Head to head, same verifier: each algorithm (and an adaptive random search) against random search (best-of-N) at the
        // same budget and at every larger one, particles against
        // its lambda = 0 control (best-of-K on the particle sampler) at the same budget and against one sample of its own sampler.
        var heads = new List<(string A, string B, int Extra, int ExtraB)>();
        foreach (var (series, extra) in byPoint.Keys.Where(k => k.ExtraCandidates > 0))
        {
            var s = ScalingSeries.Parse(series);
            // Plain random search is what the others are held against; an adaptive one is held against it too.
            if (s.IsBaseline || (s.Algorithm == "random" && s.TargetScore is null && s.Patience is null)) continue;
            var bestOfN = $"random:{s.Verifier}";
            if (byPoint.ContainsKey((bestOfN, extra))) heads.Add((series, bestOfN, extra, extra));
            // NFE equivalence (SEARCH.md 3.4): against best-of-N at every larger budget measured.
            foreach (var larger in byPoint.Keys.Where(k => k.Series == bestOfN && k.ExtraCandidates > extra).Select(k => k.ExtraCandidates).Order())
                heads.Add((series, bestOfN, extra, larger));
            if (s.Algorithm == "particles" && byPoint.ContainsKey(($"particles(lambda=0):{s.Verifier}", extra)))
                heads.Add((series, $"particles(lambda=0):{s.Verifier}", extra, extra));
            if (s.Algorithm.StartsWith("particles", StringComparison.Ordinal) && byPoint.ContainsKey(("stochastic", 0))) heads.Add((series, "stochastic", extra, 0));
        }
        if (heads.Count > 0)
        {
            sb.Append("\n### Head to head, same verifier\n\n");
            sb.Append("| series | against | NFE (series / against) | accuracy (pts) | p(class) | verifier score |\n|---|---|---|---|---|---|\n");
            foreach (var (a, b, extra, extraB) in heads.OrderBy(h => h.A, StringComparer.Ordinal).ThenBy(h => h.Extra)
                .ThenBy(h => h.B, StringComparer.Ordinal).ThenBy(h => h.ExtraB))
            {
                var verifier = ScalingSeries.Parse(a).Verifier!;
                bool relative = verifier.StartsWith("ensemble(", StringComparison.Ordinal);
                var ra = byPoint[(a, extra)];
                var rb = byPoint[(b, extraB)];
                // A baseline has no searched verifier's score: compare on the one recorded for every image, where there is one.
                Func<ImageRecord, double>? score = relative ? null : ScalingSeries.Parse(b).IsBaseline ? CommonScore(verifier) : r => r.VerifierScore;
                sb.Append(Inv, $"| {a} +{extra} | {b} +{extraB} | {nfe.GetValueOrDefault((a, extra)):F0} / {nfe.GetValueOrDefault((b, extraB)):F0} | ")
                  .Append(Accuracy(ra, rb)).Append(" | ")
                  .Append(Score(Difference(ra, rb, r => r.EvalProbability))).Append(" | ")
                  .Append(score is null ? "–" : Score(Difference(ra, rb, score))).Append(" |\n");
            }
        }
        return sb.ToString();
    }

    /// <summary>
    /// One markdown row comparing two points that may come from different runs (another model, say) over the images they
    /// share (same index, seed and class): NFE, and the paired differences (A - B) of evaluation-classifier accuracy and
    /// p(class), and of the verifiers' CNN's p(class) (recorded for every image, so it compares any two points).
    /// </summary>
    public static string Row(string labelA, IReadOnlyList<ImageRecord> a, string labelB, IReadOnlyList<ImageRecord> b) =>
        string.Create(Inv, $"| {labelA} | {labelB} | {a.Average(r => (double)r.Nfe):F0} / {b.Average(r => (double)r.Nfe):F0} | ")
        + Accuracy(a, b) + " | " + Score(Difference(a, b, r => r.EvalProbability)) + " | " + Score(Difference(a, b, r => r.ClassifierScore)) + " |";

    /// <summary>The header of <see cref="Row"/>'s table.</summary>
    public const string RowHeader = "| A | B | NFE (A / B) | accuracy A - B (pts) | p(class) A - B, evaluation classifier | classifier verifier's p A - B |\n" +
        "|---|---|---|---|---|---|";

    private static double Correct(ImageRecord r) => r.EvalCorrect ? 1 : 0;

    /// <summary>The accuracy difference in points with its interval, then the exact McNemar test; bold when p &lt; 0.05.</summary>
    private static string Accuracy(IReadOnlyList<ImageRecord> a, IReadOnlyList<ImageRecord> b)
    {
        if (Difference(a, b, Correct) is not { } ci || AccuracyTest(a, b) is not { } test) return "–";
        var text = $"{Interval(ci, 100, 1)}; {test}";
        return test.P < 0.05 ? $"**{text}**" : text;
    }

    private static string Score(BootstrapInterval? ci) => ci is { } c && Math.Max(Math.Abs(c.Lower), Math.Abs(c.Upper)) >= 10
        ? Format(ci, 1, 1)
        : Format(ci, 1, 3);

    private static string Format(BootstrapInterval? ci, double scale, int decimals)
    {
        if (ci is not { } c) return "–";
        var text = Interval(c, scale, decimals);
        return c.ExcludesZero ? $"**{text}**" : text;
    }

    /// <summary>
    /// "+0.001 [-0.001, +0.003]" with at least <paramref name="decimals"/> decimals, and more (up to 6) while an interval
    /// that excludes 0 would print a bound as 0, so that a printed interval never seems to touch 0 when it does not.
    /// </summary>
    public static string Interval(BootstrapInterval c, double scale, int decimals)
    {
        double lo = c.Lower * scale, hi = c.Upper * scale, nearest = Math.Min(Math.Abs(lo), Math.Abs(hi));
        while (c.ExcludesZero && decimals < 6 && Math.Round(nearest, decimals) == 0) decimals++;
        var format = "+0." + new string('0', decimals) + ";-0." + new string('0', decimals) + ";0." + new string('0', decimals);
        return string.Create(Inv, $"{(c.Estimate * scale).ToString(format, Inv)} [{lo.ToString(format, Inv)}, {hi.ToString(format, Inv)}]");
    }
}
