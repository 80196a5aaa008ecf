using System.Globalization;
using GenerationPlatform.Evaluation;

namespace GenerationPlatform.Research.Scaling;

/// <summary>eval's figures: one line per point as it is measured, and the table of this run's points at the end.</summary>
internal sealed record EvalReport(IReadOnlyList<ScalingPoint> Points, Func<string, string> VerifierCost)
{
    public void Write(TextWriter output) => output.WriteLine(ScalingReport.MarkdownTable(Points, VerifierCost));

    public static void WritePoint(TextWriter output, ScalingPoint point, int extra) => output.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{point.Series} +{extra}: NFE {point.MeanTotalNfe:F0}, FID {point.EvalFid:F2} (verifier CNN {point.Fid:F2})"
        + $"{(double.IsNaN(point.FdResNet) ? "" : $", FD ResNet-18 {point.FdResNet:F2}")}, "
        + $"IS {point.EvalInceptionScore:F3} ({point.InceptionScore:F3}), precision {point.EvalPrecision:F3} ({point.Precision:F3}), "
        + $"recall {point.EvalRecall:F3} ({point.Recall:F3}), within-class distance {point.EvalWithinClassDistance:F3} (pixels {point.PixelWithinClassDistance:F2}), "
        + $"accuracy {point.EvalAccuracy:P1} ({point.ConditionalAccuracy:P1}), verifier {point.MeanVerifierScore:F3}, {point.WallSeconds:F0} s"));
}
