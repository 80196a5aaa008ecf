using System.Globalization;

namespace GenerationPlatform.Evaluation;

/// <summary>
/// The drawing shared by the scaling plots (<see cref="ScalingReport"/>, <see cref="TextEvalPlots"/>): panels of lines against
/// mean NFE on a log axis with their bootstrap bands (a band where a line has several points with intervals, a bar where it
/// has one), and the panels laid out in a grid in one PNG.
/// </summary>
internal static class NfePlots
{
    public const int PanelWidth = 860, PanelHeight = 430;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The x range (log10 NFE) of the points, padded.</summary>
    public static (double Min, double Max) LogRange(IEnumerable<NfePoint> points)
    {
        var nfes = points.Select(p => p.Nfe).ToArray();
        return (Math.Log10(nfes.Min()) - 0.08, Math.Log10(nfes.Max()) + 0.08);
    }

    /// <summary>The y range of the points and their intervals, padded by 5%.</summary>
    public static (double Min, double Max) ValueRange(IEnumerable<NfePoint> points)
    {
        var all = points.ToArray();
        double yMin = all.Min(x => double.IsNaN(x.Lo) ? x.Value : Math.Min(x.Lo, x.Value)), yMax = all.Max(x => double.IsNaN(x.Hi) ? x.Value : Math.Max(x.Hi, x.Value));
        double pad = (yMax - yMin) * 0.05 + 1e-9;
        return (yMin - pad, yMax + pad);
    }

    /// <summary>One panel as PNG bytes: the lines in order, x on log10 NFE with ticks at 19 x 2^k, y shared when <paramref name="y"/> is given.</summary>
    public static byte[] Panel(string title, string yLabel, IReadOnlyList<NfeLine> lines, (double Min, double Max) x, (double Min, double Max)? y,
        string xLabel = "mean total NFE per image (log scale)")
    {
        var plot = new ScottPlot.Plot();
        var palette = new ScottPlot.Palettes.Category10();
        foreach (var l in lines)
        {
            var pts = l.Points;
            var xs = pts.Select(p => Math.Log10(p.Nfe)).ToArray();
            var color = l.Style switch
            {
                NfeLineStyle.Steps => ScottPlot.Colors.Gray,
                NfeLineStyle.Stochastic or NfeLineStyle.NoSearch => ScottPlot.Colors.Black,
                _ => palette.GetColor(l.ColorIndex % palette.Colors.Length),
            };
            bool intervals = pts.All(p => !double.IsNaN(p.Lo));
            if (intervals && pts.Count > 1 && l.Style != NfeLineStyle.NoSearch)
            {
                var band = plot.Add.FillY(xs, pts.Select(p => p.Lo).ToArray(), pts.Select(p => p.Hi).ToArray());
                band.FillStyle.Color = color.WithAlpha(0.18);
                band.LineStyle.Width = 0;
            }
            else if (intervals)
            {
                foreach (var (px, pt) in xs.Zip(pts))
                {
                    var bar = plot.Add.Line(px, pt.Lo, px, pt.Hi);
                    bar.Color = color.WithAlpha(0.5);
                    bar.LineWidth = 4;
                }
            }
            var line = plot.Add.Scatter(xs, pts.Select(p => p.Value).ToArray());
            line.LegendText = l.Label;
            line.Color = color;
            line.LineWidth = l.Style switch { NfeLineStyle.Steps => 2.5f, NfeLineStyle.NoSearch => 0, _ => 1.5f };
            line.MarkerSize = l.Style == NfeLineStyle.NoSearch ? 9 : 6;
            if (l.Style == NfeLineStyle.Steps) line.LinePattern = ScottPlot.LinePattern.Dashed;
            if (l.Style == NfeLineStyle.Stochastic) line.LinePattern = ScottPlot.LinePattern.Dotted;
        }
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        if (Math.Log10(10) >= x.Min) ticks.AddMajor(1, "10"); // one stochastic sample
        for (double nfe = 19; nfe <= 19 * 1024; nfe *= 2)
            if (Math.Log10(nfe) >= x.Min && Math.Log10(nfe) <= x.Max) ticks.AddMajor(Math.Log10(nfe), nfe.ToString("F0", Inv));
        plot.Axes.Bottom.TickGenerator = ticks;
        plot.Axes.Bottom.Label.Text = xLabel;
        plot.Axes.Left.Label.Text = yLabel;
        plot.Axes.Left.Label.FontSize = 12;
        plot.Axes.Title.Label.Text = title;
        plot.Axes.SetLimitsX(x.Min, x.Max);
        if (y is { } yl) plot.Axes.SetLimitsY(yl.Min, yl.Max);
        plot.Legend.FontSize = 10;
        plot.ShowLegend(ScottPlot.Edge.Right); // outside the data area, so the legend never hides a curve
        return plot.GetImage(PanelWidth, PanelHeight).GetImageBytes();
    }

    /// <summary>Lays panels out <paramref name="columns"/> per row into one PNG.</summary>
    public static void SavePanels(IReadOnlyList<byte[]> panels, string path, int columns = 2)
    {
        columns = Math.Min(columns, panels.Count);
        int rows = (panels.Count + columns - 1) / columns;
        using var surface = SkiaSharp.SKSurface.Create(new SkiaSharp.SKImageInfo(columns * PanelWidth, rows * PanelHeight));
        surface.Canvas.Clear(SkiaSharp.SKColors.White);
        for (int i = 0; i < panels.Count; i++)
        {
            using var bitmap = SkiaSharp.SKBitmap.Decode(panels[i]);
            surface.Canvas.DrawBitmap(bitmap, i % columns * PanelWidth, i / columns * PanelHeight);
        }
        using var image = surface.Snapshot();
        using var data = image.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100);
        using var file = File.Create(path);
        data.SaveTo(file);
    }
}
