using System.Globalization;
using System.Text;

namespace GenerationPlatform.Evaluation;

/// <summary>
/// The per-image records of every point in one compact CSV (docs/results/scaling-images.csv), merged like scaling.csv:
/// a rerun of a (series, budget) point replaces all its images.
/// </summary>
public static class ImageRecords
{
    public static readonly string[] Columns =
        ["series", "extra_candidates", "image", "seed", "class", "nfe", "search_nfe", "verifier_score", "classifier_p", "class_gaussian", "eval_predicted", "eval_p"];

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static List<ImageRecord> Read(string csvPath)
    {
        if (!File.Exists(csvPath)) return [];
        var lines = File.ReadAllLines(csvPath);
        if (lines.Length == 0 || lines[0] != string.Join(',', Columns)) throw new InvalidDataException($"{csvPath}: unexpected header (expected {string.Join(',', Columns)})");
        return lines.Skip(1).Select((l, i) => (Line: l, Number: i + 2)).Where(x => x.Line.Length > 0).Select(x =>
        {
            var f = ScalingReport.SplitCsv(x.Line);
            if (f.Length != Columns.Length) throw new InvalidDataException($"{csvPath}:{x.Number}: {f.Length} fields, expected {Columns.Length}");
            double D(int i) => f[i].Length == 0 ? double.NaN : double.Parse(f[i], Inv);
            return new ImageRecord(f[0], int.Parse(f[1], Inv), int.Parse(f[2], Inv), ulong.Parse(f[3], Inv), int.Parse(f[4], Inv), long.Parse(f[5], Inv), long.Parse(f[6], Inv),
                D(7), D(8), D(9), int.Parse(f[10], Inv), D(11));
        }).ToList();
    }

    /// <summary>Keeps the existing records of points not in <paramref name="fresh"/>; a point in it replaces all its old images.</summary>
    public static List<ImageRecord> Merge(IEnumerable<ImageRecord> existing, IReadOnlyList<ImageRecord> fresh)
    {
        var replaced = fresh.Select(r => (r.Series, r.ExtraCandidates)).ToHashSet();
        return existing.Where(r => !replaced.Contains((r.Series, r.ExtraCandidates))).Concat(fresh)
            .OrderBy(r => r.Series, StringComparer.Ordinal).ThenBy(r => r.ExtraCandidates).ThenBy(r => r.Index).ToList();
    }

    public static void Write(string csvPath, IReadOnlyList<ImageRecord> records)
    {
        var sb = new StringBuilder(string.Join(',', Columns)).Append('\n');
        foreach (var r in records)
            sb.Append(string.Join(',', ScalingReport.Quote(r.Series), r.ExtraCandidates.ToString(Inv), r.Index.ToString(Inv), r.Seed.ToString(Inv), r.Label.ToString(Inv),
                r.Nfe.ToString(Inv), r.SearchNfe.ToString(Inv), G(r.VerifierScore), G(r.ClassifierScore), G(r.ClassGaussianScore), r.EvalPredicted.ToString(Inv),
                G(r.EvalProbability))).Append('\n');
        var tmp = csvPath + ".tmp";
        File.WriteAllText(tmp, sb.ToString());
        File.Move(tmp, csvPath, overwrite: true);
    }

    /// <summary>Five significant digits: enough for the differences reported, and a compact file.</summary>
    private static string G(double v) => double.IsNaN(v) ? "" : v.ToString("G5", Inv);
}
