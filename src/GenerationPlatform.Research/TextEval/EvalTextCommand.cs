using System.Text;
using GenerationPlatform.Core.Model;
using GenerationPlatform.Core.Sampling;
using GenerationPlatform.Text;
using GenerationPlatform.Tools;
using GenerationPlatform.Verifiers;

namespace GenerationPlatform.Research.TextEval;

/// <summary>
/// <c>genplat-research eval-text</c>: the prompt benchmark (docs/benchmarks/fashion-prompts.tsv) against a text model, per
/// category, without search and with search series at several budgets, paired over shared (prompt, seed) units. Every
/// finished series is written to its own TSV under --out and reused by later runs, so the table grows run by run and a
/// killed run loses only the series in flight; summary.md is rewritten from every TSV present.
/// </summary>
internal static class EvalTextCommand
{
    public static System.CommandLine.Command Create() => ToolCommand.Create("eval-text",
        "Prompt benchmark of a text model: adherence per category, with and without search, paired bootstrap intervals (docs/TEXT.md)", EvalTextSettings.Options,
        async (p, ct) =>
        {
            (await RunAsync(EvalTextSettings.Parse(p), Console.Out, ct)).Write(Console.Out);
            return 0;
        });

    /// <summary>Runs the benchmark or judges the stored images again (or neither, --report-only), then rewrites summary.md and the plots.</summary>
    public static async Task<EvalTextReport> RunAsync(EvalTextSettings settings, TextWriter output, CancellationToken ct)
    {
        var benchmark = File.Exists(settings.Benchmark) ? PromptBenchmark.ParseTsv(File.ReadAllText(settings.Benchmark)) : null;
        if (settings.Mode == EvalTextMode.Regrade)
            TextEvalRegrade.Run(settings.Out, benchmark ?? PromptBenchmark.ParseTsv(File.ReadAllText(settings.Benchmark)), Console.Error, ct);
        else if (settings.Mode == EvalTextMode.Run)
            await BenchmarkAsync(settings, output, ct);
        TextEvalSummary.Write(settings.Out, benchmark);
        return new EvalTextReport(Path.Combine(settings.Out, "summary.md"), TextEvalFigures.WritePlots(settings.Out, settings.PlotDir));
    }

    private static async Task BenchmarkAsync(EvalTextSettings s, TextWriter output, CancellationToken ct)
    {
        Directory.CreateDirectory(s.Out);
        var benchmark = PromptBenchmark.ParseTsv(File.ReadAllText(s.Benchmark));
        var prompts = benchmark.Where(b => s.Categories.Contains(b.Category)).GroupBy(b => b.Category).SelectMany(g => s.PerCategory == 0 ? g : g.Take(s.PerCategory)).ToArray();
        using var net = CliModel.Open(s.Model);
        if (!net.Conditioning.IsText || net.Conditioning.TextEncoder is not { } encoderName)
            throw new CliArgumentException($"--model: {net.Name} is not a text model ({net.Conditioning})");
        if (net.ImageShape != new ImageShape(3, 28, 28)) throw new CliArgumentException($"--model: {net.Name} makes {net.ImageShape} images; the benchmark's checks read 3x28x28");
        using var encoder = TextEncoders.Create(encoderName);
        var embeddings = encoder.Encode(prompts.Select(b => b.Prompt).ToArray(), ct);
        using var catalog = new VerifierCatalog(textAlignPath: s.TextAlign, log: m => Console.Error.WriteLine(m));
        using var grader = TextBenchmarkGrader.Load();
        int sampleNfe = new TrajectorySpec(default, -1, s.Guidance, SamplerKind.Heun, s.Steps).Nfe;
        Console.Error.WriteLine($"eval-text: {prompts.Length} prompts x {s.Seeds} seeds, {net.Name}, Heun {s.Steps} steps ({sampleNfe} NFE), guidance {s.Guidance}; "
            + $"class judged by {TextBenchmarkGrader.Description}");
        var run = new TextBenchmarkContext(s, net, catalog, grader, catalog.Get("text-align"), prompts, embeddings, sampleNfe);
        if (s.FidPerClass > 0)
        {
            var table = PerClassFid.Run(net, benchmark, encoder, grader, s.FidPerClass, s.Steps, s.Guidance, s.Seed, s.Data, ct);
            AtomicFile.Write(Path.Combine(s.Out, "per-class-fid.md"), Encoding.UTF8.GetBytes(table));
            output.WriteLine(table);
        }
        if (s.MeasureEncoding > 0) await EncodingTiming.MeasureAsync(run, encoderName, s.MeasureEncoding, ct);
        await RunSeriesAsync(run, ct);
    }

    /// <summary>Every series at every budget whose TSV is not there yet; the summary rewritten after each.</summary>
    private static async Task RunSeriesAsync(TextBenchmarkContext run, CancellationToken ct)
    {
        var dir = run.Settings.Out;
        foreach (var series in run.Settings.Series)
        {
            foreach (int extra in series == "none" ? [0] : run.Settings.Budgets.Where(e => e > 0))
            {
                var file = Path.Combine(dir, $"{TextSeriesFiles.FileName(series)}+{extra}.tsv");
                if (File.Exists(file))
                {
                    Console.Error.WriteLine($"{series} +{extra}: kept {file}");
                    continue;
                }
                var results = await TextSeriesRun.RunAsync(series, extra, run, ct);
                TextSeriesFiles.Write(file, results);
                if (series == "none") TextEvalFigures.WriteSheet(Path.Combine(dir, "none-samples.png"), results);
                TextEvalSummary.Write(dir, run.Prompts);
            }
        }
    }
}
