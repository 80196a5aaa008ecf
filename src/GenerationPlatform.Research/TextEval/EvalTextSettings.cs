using System.CommandLine;
using System.Globalization;
using GenerationPlatform.Search;
using GenerationPlatform.Text;
using GenerationPlatform.Tools;

namespace GenerationPlatform.Research.TextEval;

/// <summary>eval-text's options, read and checked: what it does, the folders, the benchmark's prompts and seeds, the series and budgets, the sampler.</summary>
internal sealed record EvalTextSettings(EvalTextMode Mode, string Out, string PlotDir, string Benchmark, string Model, string[] Categories, int PerCategory, int Seeds, ulong Seed,
    string[] Series, int[] Budgets, int Steps, float Guidance, string? TextAlign, int MaxBatch, int MeasureEncoding, int FidPerClass, string? Data)
{
    /// <summary>The ensemble the series name "ensemble" stands for.</summary>
    public const string Ensemble = "ensemble(text-align,attributes)";

    private static readonly Option<string> model = new("--model") { Description = "the text model (folder, manifest or shipped name)", DefaultValueFactory = _ => "fashion-text" };
    private static readonly Option<string> bench = new("--benchmark") { Description = "the prompt benchmark TSV", DefaultValueFactory = _ => PromptBenchmark.RelativePath };
    private static readonly Option<string> categories = new("--categories")
    {
        Description = "comma-separated benchmark categories (default: all)", DefaultValueFactory = _ => string.Join(',', PromptBenchmark.Categories),
    };
    private static readonly Option<int> perCategory = new("--per-category")
    {
        Description = "prompts per category, the first N in file order (0: all)", DefaultValueFactory = _ => 0,
    };
    private static readonly Option<int> seeds = new("--seeds")
    {
        Description = "seeds per prompt (the units of the paired bootstrap are (prompt, seed))", DefaultValueFactory = _ => 2,
    };
    private static readonly Option<ulong> seed = new("--seed") { Description = "base seed", DefaultValueFactory = _ => 1 };
    private static readonly Option<string> series = new("--series")
    {
        Description = "semicolon-separated: none (no search), steps (more sampler steps at the same NFE), or ALGORITHM:VERIFIER with "
            + "VERIFIER text-align, attributes, ensemble (= " + Ensemble + ") or any catalog spec",
        DefaultValueFactory = _ => "none;steps;random:text-align",
    };
    private static readonly Option<string> budgets = new("--budgets")
    {
        Description = "extra candidates' worth of NFE beyond one sample (0 is no search)", DefaultValueFactory = _ => "3,15",
    };
    private static readonly Option<int> steps = new("--steps") { Description = "Heun steps of one sample", DefaultValueFactory = _ => 10 };
    private static readonly Option<float> guidance = new("--guidance") { Description = "classifier-free guidance scale", DefaultValueFactory = _ => 2.0f };
    private static readonly Option<string?> textAlign = new("--text-align") { Description = "the text-align encoder (default: the shipped Weights/text-align.safetensors)" };
    private static readonly Option<string> outDir = new("--out") { Description = "folder of per-series TSVs and summary.md", DefaultValueFactory = _ => "eval-text" };
    private static readonly Option<int> maxBatch = new("--max-batch") { Description = "largest denoiser batch", DefaultValueFactory = _ => 128 };
    private static readonly Option<int> encoding = new("--measure-encoding")
    {
        Description = "also time the text encoder's share of N +3 random:text-align jobs run one at a time (0: skip)", DefaultValueFactory = _ => 0,
    };
    private static readonly Option<bool> reportOnly = new("--report-only")
    {
        Description = "generate nothing: only rewrite summary.md and the plots from the series TSVs in --out (with or without their image column)",
    };
    private static readonly Option<bool> regrade = new("--regrade")
    {
        Description = "generate nothing: judge again the images of the series TSVs in --out (those with their image column) with today's judges "
            + "(class by the evaluation classifier), rewrite them, summary.md and the plots",
    };
    private static readonly Option<string?> plots = new("--plots") { Description = "folder of the PNG plots (default: --out)" };
    private static readonly Option<int> fidPerClass = new("--fid-per-class")
    {
        Description = "also per-class FID of N samples per class against the test set (0: skip); writes per-class-fid.md", DefaultValueFactory = _ => 0,
    };
    private static readonly Option<string?> data = new("--data") { Description = "Fashion-MNIST folder (default: the Debian package's)" };

    public static IReadOnlyList<Option> Options { get; } =
        [model, bench, categories, perCategory, seeds, seed, series, budgets, steps, guidance, textAlign, outDir, maxBatch, encoding, reportOnly, regrade, plots,
            fidPerClass, data];

    /// <summary>Unit seeds are base x 1 000 003 + prompt x 64 + seed: more than 64 seeds per prompt would reuse another prompt's.</summary>
    public const int SeedsPerPrompt = 64;

    public static EvalTextSettings Parse(ParseResult p)
    {
        var dir = p.GetValue(outDir)!;
        var mode = p.GetValue(reportOnly) ? EvalTextMode.ReportOnly : p.GetValue(regrade) ? EvalTextMode.Regrade : EvalTextMode.Run;
        CheckFolders(mode, dir, p.GetValue(bench)!);
        var wanted = p.GetValue(categories)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        foreach (var c in wanted)
            if (!PromptBenchmark.Categories.Contains(c))
                throw new CliArgumentException($"--categories: unknown category '{c}'; known: {string.Join(", ", PromptBenchmark.Categories)}");
        int n = p.GetValue(perCategory);
        if (n < 0) throw new CliArgumentException($"--per-category must be 0 or positive (got {n})");
        int seedCount = CliParsing.InRange(CliParsing.Positive(p.GetValue(seeds), "--seeds"), "--seeds", 1, SeedsPerPrompt);
        var extras = p.GetValue(budgets)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(x => int.TryParse(x, NumberStyles.None, CultureInfo.InvariantCulture, out var e)
                ? e : throw new CliArgumentException($"--budgets: '{x}' is not a whole number"))
            .ToArray();
        var seriesList = p.GetValue(series)!.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(Expand).ToArray();
        int stepCount = CliParsing.Positive(p.GetValue(steps), "--steps");
        int perClass = p.GetValue(fidPerClass);
        if (perClass > 0 && perClass is < 2 or > 10_000) throw new CliArgumentException($"--fid-per-class must be between 2 and 10000 (got {perClass})");
        return new EvalTextSettings(mode, dir, p.GetValue(plots) ?? dir, p.GetValue(bench)!, p.GetValue(model)!, wanted, n, seedCount, p.GetValue(seed), seriesList, extras,
            stepCount, p.GetValue(guidance), p.GetValue(textAlign), CliParsing.Positive(p.GetValue(maxBatch), "--max-batch"), p.GetValue(encoding), perClass, p.GetValue(data));
    }

    /// <summary>What each mode reads must be there: the series TSVs to report on or judge again, the benchmark to run or judge against.</summary>
    private static void CheckFolders(EvalTextMode mode, string dir, string benchmark)
    {
        if (mode == EvalTextMode.ReportOnly)
        {
            if (!Directory.Exists(dir)) throw new CliArgumentException($"--out: no folder '{dir}' (--report-only reads the series TSVs there)");
            if (TextSeriesFiles.In(dir).Length == 0) throw new CliArgumentException($"--out: no series TSVs (NAME+BUDGET.tsv) in '{dir}' to report on");
            return;
        }
        if (!File.Exists(benchmark)) throw new CliArgumentException($"--benchmark: no file '{benchmark}'");
        if (mode == EvalTextMode.Regrade && (!Directory.Exists(dir) || TextSeriesFiles.In(dir).Length == 0))
            throw new CliArgumentException($"--out: no series TSVs (NAME+BUDGET.tsv) in '{dir}' to judge again");
    }

    /// <summary>A series as run: none, steps, or ALGORITHM:VERIFIER with "ensemble" spelled out.</summary>
    private static string Expand(string s)
    {
        if (s is "none" or "steps") return s;
        var i = s.IndexOf(':', StringComparison.Ordinal);
        if (i <= 0) throw new CliArgumentException($"--series: '{s}' is not none, steps or ALGORITHM:VERIFIER");
        var algorithm = s[..i];
        if (!AlgorithmCatalog.Names.Contains(algorithm))
            throw new CliArgumentException($"--series: unknown algorithm '{algorithm}'; known: {string.Join(", ", AlgorithmCatalog.Names)}");
        var verifier = s[(i + 1)..];
        return $"{algorithm}:{(verifier == "ensemble" ? Ensemble : verifier)}";
    }
}
