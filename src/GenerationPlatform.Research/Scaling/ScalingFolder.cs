using System.Globalization;
using System.Text;
using GenerationPlatform.Evaluation;
using GenerationPlatform.Tools;
using GenerationPlatform.Verifiers;

namespace GenerationPlatform.Research.Scaling;

/// <summary>An eval output folder: its points and per-image records, and the report drawn from them (scaling.md, scaling-comparisons.md, plots).</summary>
internal static class ScalingFolder
{
    /// <summary>The points (one row per series and budget) and the per-image records of every point (seed, class, NFE, scores).</summary>
    public const string PointsFile = "scaling.csv", RecordsFile = "scaling-images.csv";

    /// <summary>Rewrites the folder's report from every point and record there.</summary>
    public static void WriteReport(string dir, IReadOnlyList<ScalingPoint> all, IReadOnlyList<ImageRecord> records, Func<string, string> verifierCost)
    {
        AtomicFile.Write(Path.Combine(dir, "scaling.md"), Encoding.UTF8.GetBytes(ScalingReport.MarkdownTable(all, verifierCost)));
        AtomicFile.Write(Path.Combine(dir, "scaling-comparisons.md"), Encoding.UTF8.GetBytes(ScalingComparisons.Markdown(all, records)));
        ScalingReport.Plot(all, dir, records);
    }

    /// <summary>
    /// What a series' verifier costs per image it scores, in NFE-equivalents of the model (FLOPs over the model's FLOPs per
    /// NFE): "–" for the baselines, "?" where the cost is unknown, and for noise-aware ranking the finished image's cost and
    /// the x0-prediction's (the head's).
    /// </summary>
    public static Func<string, string> VerifierCost(VerifierCatalog catalog, double flopsPerNfe) => series =>
    {
        ScalingSeries parsed;
        try { parsed = ScalingSeries.Parse(series); }
        catch (ArgumentException) { return "?"; }
        if (parsed.Verifier is null) return "–";
        GenerationPlatform.Core.Verifiers.IImageVerifier verifier;
        try { verifier = catalog.Get(parsed.Verifier); }
        catch (Exception e) when (e is UnknownVerifierException or ArgumentException or Verifiers.Onnx.OnnxContractException) { return "?"; }
        if (verifier.FlopsPerImage <= 0 || !(flopsPerNfe > 0)) return "?";
        var plain = (verifier.FlopsPerImage / flopsPerNfe).ToString("F2", CultureInfo.InvariantCulture);
        bool noisy = Search.AlgorithmCatalog.Create(parsed.Algorithm).RanksNoisyInputs && verifier.RanksNoisyInputs;
        return noisy ? string.Create(CultureInfo.InvariantCulture, $"{plain}; x0: {verifier.FlopsPerNoisyImage / flopsPerNfe:F2}") : plain;
    };
}
