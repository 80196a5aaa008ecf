using System.Globalization;
using GenerationPlatform.Contracts;
using GenerationPlatform.Diffusion.Imaging;
using GenerationPlatform.Grains;
using GenerationPlatform.Search;
using GenerationPlatform.Search.Jobs;
using GenerationPlatform.Tools;

namespace GenerationPlatform.Cli.Commands;

/// <summary>
/// What <c>genplat search</c> leaves: top-1.png ... top-K.png, candidates.png (every scored candidate, best first, with its
/// score; a part-way preview marked "p") and result.json in the platform's result format, then one line on the console.
/// </summary>
internal static class SearchReport
{
    /// <summary>The most candidates drawn on the contact sheet.</summary>
    public const int MaxSheet = 400;

    public static void Write(string outDir, CliModel net, SearchJobSpec job, SearchResult result, DateTimeOffset started)
    {
        Directory.CreateDirectory(outDir);
        for (int i = 0; i < result.Top.Count; i++)
            AtomicFile.Write(Path.Combine(outDir, $"top-{i + 1}.png"), ImageGrid.EncodePng(result.Top[i].Image, net.ImageShape, scale: 4));
        var sheet = result.AllScored.OrderByDescending(c => c.Scores.Primary).Take(MaxSheet).Select(c => (ImageGrid.ToPixels(c.Image), Label(c))).ToList();
        AtomicFile.Write(Path.Combine(outDir, "candidates.png"), ContactSheet.EncodePng(sheet, net.ImageShape, columns: (int)Math.Ceiling(Math.Sqrt(sheet.Count))));
        var spec = job.ToContract("local");
        var record = ResultWriting.Record($"local-{job.Request.Seed:x16}", spec, result.ToContract(job.AlgorithmSpec, net.Description.ForwardFlops),
            started, DateTimeOffset.UtcNow);
        AtomicFile.Write(Path.Combine(outDir, "result.json"), ResultWriting.Serialize(record));
        var stopped = result.StopReason == StopReason.Completed ? "" : $"stopped early ({result.StopReason}), ";
        Console.WriteLine($"{result.Algorithm} with {result.Verifier}: {stopped}best {result.Top[0].Scores.Primary:F4}; " +
            $"{result.VerifiedImages} images verified ({result.AllScored.Count} candidates on candidates.png); " +
            $"NFE {result.Nfe.Search} search + {result.Nfe.Final} final of {result.Budget}; wrote {outDir}");
    }

    /// <summary>A candidate's score on the sheet; "p" marks a score taken on a part-way preview, not on the finished image.</summary>
    private static string Label(Candidate c)
    {
        var score = c.Scores.Primary.ToString(Math.Abs(c.Scores.Primary) < 10 ? "F3" : "F1", CultureInfo.InvariantCulture);
        return c.Origin == "preview" ? "p " + score : score;
    }
}
