using System.CommandLine;
using GenerationPlatform.Evaluation;
using GenerationPlatform.Tools;

namespace GenerationPlatform.Cli.Commands;

/// <summary>
/// `genplat compare-points`: paired differences between two measured points that may lie in different `genplat eval`
/// output folders (another model on the same seeds, say), from their per-image records.
/// </summary>
internal static class ComparePointsCommand
{
    public static Command Create()
    {
        var a = new Option<string>("--a") { Description = "the first point: FOLDER/SERIES+EXTRA, e.g. docs/results/capacity-small/random:classifier+3", Required = true };
        var b = new Option<string>("--b") { Description = "the second point, the same way", Required = true };
        var cmd = new Command("compare-points", "Paired bootstrap differences (A - B) of two evaluated points over the images they share") { a, b };
        cmd.SetAction((p, ct) =>
        {
            var (labelA, recordsA) = Load(p.GetValue(a)!, "--a");
            var (labelB, recordsB) = Load(p.GetValue(b)!, "--b");
            if (ScalingComparisons.Difference(recordsA, recordsB, r => r.ClassifierScore) is null)
                throw new CliArgumentException("--b: the two points share no images (same index, seed and class): were they run with the same --seed and --per-class?");
            Console.WriteLine(ScalingComparisons.RowHeader);
            Console.WriteLine(ScalingComparisons.Row(labelA, recordsA, labelB, recordsB));
            return Task.FromResult(0);
        });
        return cmd;
    }

    private static (string Label, List<ImageRecord> Records) Load(string spec, string option)
    {
        int plus = spec.LastIndexOf('+');
        if (plus < 0 || !int.TryParse(spec[(plus + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var extra))
            throw new CliArgumentException($"{option}: '{spec}' is not FOLDER/SERIES+EXTRA");
        // A series may contain '/' only inside parentheses; the folder is everything before the last '/' outside them.
        int depth = 0, slash = -1;
        for (int i = 0; i < plus; i++)
        {
            if (spec[i] == '(') depth++;
            else if (spec[i] == ')') depth--;
            else if (spec[i] == '/' && depth == 0) slash = i;
        }
        if (slash < 0) throw new CliArgumentException($"{option}: '{spec}' is not FOLDER/SERIES+EXTRA");
        var folder = spec[..slash];
        var series = spec[(slash + 1)..plus];
        var csv = Path.Combine(folder, EvalCommand.RecordsFile);
        if (!File.Exists(csv)) throw new CliArgumentException($"{option}: no {EvalCommand.RecordsFile} in '{folder}'");
        var records = ImageRecords.Read(csv).Where(r => r.Series == series && r.ExtraCandidates == extra).ToList();
        if (records.Count == 0) throw new CliArgumentException($"{option}: '{folder}' has no images of {series} +{extra}");
        return ($"{Path.GetFileName(Path.GetFullPath(folder))}: {series} +{extra}", records);
    }
}
