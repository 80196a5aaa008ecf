using System.Globalization;
using GenerationPlatform.Evaluation;

namespace GenerationPlatform.Research.Scaling;

/// <summary>
/// scaling-provenance.tsv in an eval output folder: one line per measured point, appended when it is saved, naming what
/// made it (the model by name and file, the base seed and the grid), so that a folder's records say which model they
/// belong to and which seeds they used without anyone's memory.
/// </summary>
internal static class EvalProvenance
{
    public const string File = "scaling-provenance.tsv";

    private const string Header = "utc\tseries\textra_candidates\tmodel\tmodel_source\tseed\tper_class\tsteps\tsampler\tguidance\timages\n";

    public static void Append(string dir, ScalingPoint point, ScalingSettings settings, string model, string source, DateTimeOffset now)
    {
        var path = Path.Combine(dir, File);
        var line = string.Join('\t', now.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture), point.Series,
            point.ExtraCandidates.ToString(CultureInfo.InvariantCulture), model, source, settings.Seed.ToString(CultureInfo.InvariantCulture),
            settings.PerClass.ToString(CultureInfo.InvariantCulture), settings.Steps.ToString(CultureInfo.InvariantCulture), settings.Sampler.ToString().ToLowerInvariant(),
            settings.Guidance.ToString(CultureInfo.InvariantCulture), point.Images.ToString(CultureInfo.InvariantCulture)) + "\n";
        System.IO.File.AppendAllText(path, (System.IO.File.Exists(path) ? "" : Header) + line);
    }
}
