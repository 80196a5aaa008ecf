using System.Globalization;

namespace GenerationPlatform.Research.Training;

/// <summary>What a classifier trainer wrote: its test accuracy (after training, and of the float16 weights as shipped) and its two files.</summary>
internal sealed record ClassifierReport(double Accuracy, double ShippedAccuracy, string WeightsPath, string StatisticsPath)
{
    public void Write(TextWriter output) => output.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"test accuracy {Accuracy:P2} (as shipped in float16: {ShippedAccuracy:P2}); wrote {WeightsPath} and {StatisticsPath}"));
}
