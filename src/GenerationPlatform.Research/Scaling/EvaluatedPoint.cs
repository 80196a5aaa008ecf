using System.Globalization;
using GenerationPlatform.Evaluation;
using GenerationPlatform.Tools;

namespace GenerationPlatform.Research.Scaling;

/// <summary>One measured point of an eval output folder, as compare-points names it: FOLDER/SERIES+EXTRA.</summary>
internal sealed record EvaluatedPoint(string Option, string Folder, string Series, int Extra)
{
    public string Label => $"{Path.GetFileName(Path.GetFullPath(Folder))}: {Series} +{Extra}";

    public static EvaluatedPoint Parse(string spec, string option)
    {
        int plus = spec.LastIndexOf('+');
        if (plus < 0 || !int.TryParse(spec[(plus + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var extra))
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
        return new EvaluatedPoint(option, spec[..slash], spec[(slash + 1)..plus], extra);
    }

    /// <summary>The point's per-image records from its folder's scaling-images.csv.</summary>
    public List<ImageRecord> Records()
    {
        var csv = Path.Combine(Folder, ScalingFolder.RecordsFile);
        if (!File.Exists(csv)) throw new CliArgumentException($"{Option}: no {ScalingFolder.RecordsFile} in '{Folder}'");
        var records = ImageRecords.Read(csv).Where(r => r.Series == Series && r.ExtraCandidates == Extra).ToList();
        if (records.Count == 0) throw new CliArgumentException($"{Option}: '{Folder}' has no images of {Series} +{Extra}");
        return records;
    }
}
