using System.Globalization;
using System.Text;
using GenerationPlatform.Search;
using GenerationPlatform.Tools;

namespace GenerationPlatform.Research.TextEval;

/// <summary>
/// The series TSVs of an eval-text folder: one file per series and budget (NAME+BUDGET.tsv), one row per (prompt, seed)
/// unit, reused by later runs, so the table grows run by run and a killed run loses only the series in flight.
/// </summary>
internal static class TextSeriesFiles
{
    private const string LegacyHeader = "prompt\tcategory\tseed\tall_met\tfraction\tclass_correct\ttext_align\tnfe\tseconds\tpredicted";

    /// <summary>unit_seed, the request seed that regenerates the unit, is recorded since issue 25; files without it still read.</summary>
    private const string Header = LegacyHeader + "\tunit_seed";

    /// <summary>The series TSVs of a folder (NAME+BUDGET.tsv; encoding.tsv and others are not series).</summary>
    public static string[] In(string dir) =>
        Directory.GetFiles(dir, "*.tsv").Where(f => Path.GetFileNameWithoutExtension(f) is var n && n.LastIndexOf('+') is var i && i > 0
            && int.TryParse(n[(i + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out _)).Order(StringComparer.Ordinal).ToArray();

    /// <summary>A series' file name stem: the series with the characters a file name should not carry replaced.</summary>
    public static string FileName(string series) => series.Replace(":", "_", StringComparison.Ordinal).Replace("(", "_", StringComparison.Ordinal)
        .Replace(")", "", StringComparison.Ordinal).Replace(",", "-", StringComparison.Ordinal);

    /// <summary>
    /// A series from its file name (<see cref="FileName"/> of the series, '+', the budget): `none`, `steps` or
    /// ALGORITHM_VERIFIER, the ensemble of text-align and attributes read back as `ensemble`.
    /// </summary>
    public static (string Algorithm, string? Verifier, int Extra) ParseName(string stem)
    {
        int plus = stem.LastIndexOf('+');
        var name = stem[..plus];
        int extra = int.Parse(stem[(plus + 1)..], CultureInfo.InvariantCulture);
        if (name is "none" or "steps") return (name, null, extra);
        var algorithm = AlgorithmCatalog.Names.FirstOrDefault(a => name.StartsWith(a + "_", StringComparison.Ordinal));
        if (algorithm is null) return (name, "?", extra);
        var verifier = name[(algorithm.Length + 1)..];
        return (algorithm, verifier == FileName(EvalTextSettings.Ensemble) ? "ensemble" : verifier, extra);
    }

    public static void Write(string file, IReadOnlyList<TextUnitResult> results)
    {
        var sb = new StringBuilder(Header + "\timage\n");
        foreach (var r in results)
            sb.Append(CultureInfo.InvariantCulture, $"{r.PromptId}\t{r.Category}\t{r.Seed}\t{(r.AllMet ? 1 : 0)}\t{r.Fraction:R}\t{(r.ClassCorrect ? 1 : 0)}\t"
                + $"{r.TextAlign:R}\t{r.Nfe}\t{r.Seconds:F3}\t{r.Predicted}\t{r.UnitSeed}\t{r.Image}\n");
        File.WriteAllText(file + ".tmp", sb.ToString());
        File.Move(file + ".tmp", file, overwrite: true);
    }

    /// <summary>
    /// A series TSV as <see cref="Write"/> writes it, or without its image column (the records committed under
    /// docs/results/text/records): then each unit's image is empty and the diversity column cannot be computed.
    /// </summary>
    public static List<TextUnitResult> Read(string file)
    {
        var lines = File.ReadAllLines(file);
        var first = lines.Length > 0 ? lines[0] : "";
        bool seeds = first.StartsWith(Header, StringComparison.Ordinal);
        bool images = first == (seeds ? Header : LegacyHeader) + "\timage";
        if (!images && first != Header && first != LegacyHeader)
            throw new CliArgumentException($"--out: {file} is not an eval-text series TSV "
                + $"(expected the header '{Header.Replace("\t", " ", StringComparison.Ordinal)}' with or without 'unit_seed' and 'image')");
        int width = 10 + (seeds ? 1 : 0) + (images ? 1 : 0);
        return lines.Skip(1).Select((l, i) => (Line: l, Number: i + 2)).Where(x => x.Line.Length > 0).Select(x => Unit(file, x.Line, x.Number, width, seeds, images)).ToList();
    }

    private static TextUnitResult Unit(string file, string line, int number, int width, bool seeds, bool images)
    {
        var f = line.Split('\t');
        if (f.Length != width) throw new CliArgumentException($"--out: {file}:{number}: {f.Length} fields, expected {width}");
        try
        {
            return new TextUnitResult(f[0], f[1], int.Parse(f[2], CultureInfo.InvariantCulture), f[3] == "1", double.Parse(f[4], CultureInfo.InvariantCulture), f[5] == "1",
                double.Parse(f[6], CultureInfo.InvariantCulture), long.Parse(f[7], CultureInfo.InvariantCulture), double.Parse(f[8], CultureInfo.InvariantCulture),
                int.Parse(f[9], CultureInfo.InvariantCulture), images ? f[width - 1] : "", seeds && f[10].Length > 0 ? ulong.Parse(f[10], CultureInfo.InvariantCulture) : null);
        }
        catch (FormatException e)
        {
            throw new CliArgumentException($"--out: {file}:{number}: {e.Message}");
        }
    }
}
