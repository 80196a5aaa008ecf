using GenerationPlatform.Text;
using GenerationPlatform.Tools;

namespace GenerationPlatform.Research.TextEval;

/// <summary>
/// Judges again every unit of a folder's series TSVs from its stored image (8-bit pixels, as a tenant's PNG carries them):
/// class by <see cref="TextBenchmarkGrader"/>, the other properties by the measurement functions, against what the
/// benchmark asks of the unit's prompt. The text-align score, NFE and timings are kept.
/// </summary>
internal static class TextEvalRegrade
{
    public static void Run(string dir, IReadOnlyList<BenchmarkPrompt> benchmark, TextWriter log, CancellationToken ct)
    {
        var asked = benchmark.ToDictionary(b => b.Id, StringComparer.Ordinal);
        // Every file is read and checked before any is rewritten: a refused folder is left as it was.
        var series = TextSeriesFiles.In(dir).Select(file => Load(file, asked)).ToArray();
        using var grader = TextBenchmarkGrader.Load();
        foreach (var (file, units, images) in series)
        {
            ct.ThrowIfCancellationRequested();
            var predicted = grader.PredictClasses(images);
            var judged = units.Select((u, i) =>
            {
                var b = asked[u.PromptId];
                var check = AttributeCheck.Score(new ParsedPrompt(b.Class, b.Colour, b.Orientation, b.Surface, true, []), images[i], predicted[i]);
                return u with { AllMet = check.AllMet, Fraction = check.Fraction ?? 0, ClassCorrect = predicted[i] == b.Class, Predicted = predicted[i] };
            }).ToList();
            TextSeriesFiles.Write(file, judged);
            log.WriteLine($"{Path.GetFileName(file)}: {judged.Zip(units).Count(x => x.First.ClassCorrect != x.Second.ClassCorrect)} of {judged.Count} class verdicts changed");
        }
    }

    private static (string File, List<TextUnitResult> Units, float[][] Images) Load(string file, Dictionary<string, BenchmarkPrompt> asked)
    {
        var units = TextSeriesFiles.Read(file);
        if (units.Any(u => u.Image.Length == 0)) throw new CliArgumentException($"--out: {file} has no image column; only a run's own TSVs can be judged again");
        var missing = units.FirstOrDefault(u => !asked.ContainsKey(u.PromptId));
        if (missing is not null) throw new CliArgumentException($"--out: {file}: prompt '{missing.PromptId}' is not in the benchmark");
        var images = units.Select(u => Convert.FromBase64String(u.Image).Select(b => b / 127.5f - 1f).ToArray()).ToArray();
        if (images.Any(i => i.Length != ColourFashion.RgbLength)) throw new CliArgumentException($"--out: {file}: an image is not 3x28x28");
        return (file, units, images);
    }
}
