using System.Globalization;

namespace GenerationPlatform.Serving;

/// <summary>
/// A batch cap and the curve it came from: the median rows/s per batch size, their monotone fit, the fit's knee, and the last
/// known cap it was checked against (the cap is the last known one when the fit still puts it on the plateau).
/// </summary>
public sealed record BatchCapChoice(IReadOnlyList<BatchCap.Point> Medians, IReadOnlyList<BatchCap.Point> Fitted, int Cap, int Knee, int? LastKnown, int Samples)
{
    /// <summary>Whether the last known cap was kept over a different knee.</summary>
    public bool KeptLastKnown => LastKnown == Cap && Cap != Knee;

    /// <summary>The curve as a log line: "batch: median (fit)" per size, rows/s.</summary>
    public string Curve => string.Join(", ", Medians.Zip(Fitted, (m, f) =>
        string.Create(CultureInfo.InvariantCulture, $"{m.Batch}: {m.RowsPerSecond:F0}{(Math.Abs(f.RowsPerSecond - m.RowsPerSecond) >= 0.5 ? $" ({f.RowsPerSecond:F0})" : "")}")));
}
