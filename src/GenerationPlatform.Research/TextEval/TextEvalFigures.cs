using GenerationPlatform.Core.Model;
using GenerationPlatform.Diffusion.Imaging;
using GenerationPlatform.Evaluation;

namespace GenerationPlatform.Research.TextEval;

/// <summary>The pictures of an eval-text folder: the plots of <see cref="TextEvalPlots"/> and the contact sheet of the no-search samples.</summary>
internal static class TextEvalFigures
{
    /// <summary>The PNG plots from every series TSV in <paramref name="dir"/>, into <paramref name="plotDir"/>; returns their paths.</summary>
    public static IReadOnlyList<string> WritePlots(string dir, string plotDir)
    {
        Directory.CreateDirectory(plotDir);
        var series = TextSeriesFiles.In(dir).Select(f => (Name: TextSeriesFiles.ParseName(Path.GetFileNameWithoutExtension(f)), Units: TextSeriesFiles.Read(f)))
            .Select(x => new TextSeries(x.Name.Algorithm, x.Name.Verifier, x.Name.Extra,
                x.Units.Select(u => new TextUnit(u.PromptId, u.Category, u.Seed, u.AllMet, u.Fraction, u.ClassCorrect, u.TextAlign, u.Nfe)).ToArray()))
            .ToArray();
        return TextEvalPlots.Plot(series, plotDir).ToArray();
    }

    /// <summary>Up to eight seed-0 samples per category, each labelled whether it met everything asked.</summary>
    public static void WriteSheet(string path, IReadOnlyList<TextUnitResult> results)
    {
        var tiles = results.Where(r => r.Seed == 0).GroupBy(r => r.Category).SelectMany(g => g.Take(8))
            .Select(r => (Convert.FromBase64String(r.Image), $"{(r.AllMet ? "ok" : "no")} {r.PromptId.Split('-')[0]}")).ToList();
        if (tiles.Count > 0) File.WriteAllBytes(path, ContactSheet.EncodePng(tiles, new ImageShape(3, 28, 28), columns: 8, scale: 3));
    }
}
