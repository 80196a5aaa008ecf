namespace GenerationPlatform.Text;

/// <summary>
/// Per-class tertiles of <see cref="FashionMeasurements.SurfaceEnergy"/> over the Fashion-MNIST training split (images
/// with a measurable energy, sorted ascending, n per class): <see cref="PlainBelow"/> is the value at index n / 3 and
/// <see cref="PatternedFrom"/> the value at index 2n / 3. Computed by
/// <c>dotnet test tests/GenerationPlatform.Text.Tests -c Release --filter SurfaceThresholdsTests</c>, which recomputes them
/// from the installed dataset, fails on any difference and prints the table to paste here.
/// </summary>
public static class SurfaceThresholds
{
    /// <summary>Energy below which an item of each class is plain.</summary>
    public static IReadOnlyList<double> PlainBelow { get; } =
    [
        0.05549000521163322, 0.117881677296821, 0.07158188821332899, 0.07541064718885611, 0.07764065150606056,
        0.20055968382585562, 0.07040844481017809, 0.1417062175111814, 0.06431593613086946, 0.08777649168156337,
    ];

    /// <summary>Energy from which an item of each class is patterned.</summary>
    public static IReadOnlyList<double> PatternedFrom { get; } =
    [
        0.09396386020276289, 0.15402490616737094, 0.10203012192273972, 0.12859979512575104, 0.1121470535712489,
        0.30076822082510013, 0.11880388613661472, 0.20404250848515237, 0.10060051137851224, 0.12349897523168664,
    ];
}
