using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using GenerationPlatform.Diffusion.Imaging;
using GenerationPlatform.Evaluation;
using GenerationPlatform.Search;
using GenerationPlatform.Serving;
using GenerationPlatform.Text;
using GenerationPlatform.Verifiers;
using GenerationPlatform.Core.Model;
using GenerationPlatform.Core.Sampling;
using GenerationPlatform.Core.Verifiers;
using GenerationPlatform.Tools;

namespace GenerationPlatform.Cli.Commands;

/// <summary>
/// `genplat eval-text`: the prompt benchmark (docs/benchmarks/fashion-prompts.tsv) against a text model, per category,
/// without search and with search series at several budgets, paired over shared (prompt, seed) units. Every finished
/// series is written to its own TSV under --out and reused by later runs, so the table grows run by run and a killed
/// run loses only the series in flight; summary.md is rewritten from every TSV present.
/// </summary>
internal static class EvalTextCommand
{
    private const string Ensemble = "ensemble(text-align,attributes)";

    /// <summary>One (prompt, seed) unit's outcome in one series at one budget.</summary>
    private sealed record UnitResult(string PromptId, string Category, int Seed, bool AllMet, double Fraction, bool ClassCorrect, double TextAlign,
        long Nfe, double Seconds, int Predicted, string Image);

    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "the text model (folder, manifest or shipped name)", DefaultValueFactory = _ => "fashion-text" };
        var bench = new Option<string>("--benchmark") { Description = "the prompt benchmark TSV", DefaultValueFactory = _ => PromptBenchmark.RelativePath };
        var categories = new Option<string>("--categories") { Description = "comma-separated benchmark categories (default: all)", DefaultValueFactory = _ => string.Join(',', PromptBenchmark.Categories) };
        var perCategory = new Option<int>("--per-category") { Description = "prompts per category, the first N in file order (0: all)", DefaultValueFactory = _ => 0 };
        var seeds = new Option<int>("--seeds") { Description = "seeds per prompt (the units of the paired bootstrap are (prompt, seed))", DefaultValueFactory = _ => 2 };
        var seed = new Option<ulong>("--seed") { Description = "base seed", DefaultValueFactory = _ => 1 };
        var series = new Option<string>("--series")
        {
            Description = "semicolon-separated: none (no search), steps (more sampler steps at the same NFE), or ALGORITHM:VERIFIER with "
                + "VERIFIER text-align, attributes, ensemble (= " + Ensemble + ") or any catalog spec",
            DefaultValueFactory = _ => "none;steps;random:text-align",
        };
        var budgets = new Option<string>("--budgets") { Description = "extra candidates' worth of NFE beyond one sample (0 is no search)", DefaultValueFactory = _ => "3,15" };
        var steps = new Option<int>("--steps") { Description = "Heun steps of one sample", DefaultValueFactory = _ => 10 };
        var guidance = new Option<float>("--guidance") { Description = "classifier-free guidance scale", DefaultValueFactory = _ => 2.0f };
        var textAlign = new Option<string?>("--text-align") { Description = "the text-align encoder (default: the shipped Weights/text-align.safetensors)" };
        var outDir = new Option<string>("--out") { Description = "folder of per-series TSVs and summary.md", DefaultValueFactory = _ => "eval-text" };
        var maxBatch = new Option<int>("--max-batch") { Description = "largest denoiser batch", DefaultValueFactory = _ => 128 };
        var encoding = new Option<int>("--measure-encoding") { Description = "also time the text encoder's share of N +3 random:text-align jobs run one at a time (0: skip)", DefaultValueFactory = _ => 0 };
        var reportOnly = new Option<bool>("--report-only") { Description = "generate nothing: only rewrite summary.md and the plots from the series TSVs in --out (with or without their image column)" };
        var regrade = new Option<bool>("--regrade")
        {
            Description = "generate nothing: judge again the images of the series TSVs in --out (those with their image column) with today's judges "
                + "(class by the evaluation classifier), rewrite them, summary.md and the plots",
        };
        var plots = new Option<string?>("--plots") { Description = "folder of the PNG plots (default: --out)" };
        var fidPerClass = new Option<int>("--fid-per-class") { Description = "also per-class FID of N samples per class against the test set (0: skip); writes per-class-fid.md", DefaultValueFactory = _ => 0 };
        var data = new Option<string?>("--data") { Description = "Fashion-MNIST folder (default: the Debian package's)" };
        var cmd = new Command("eval-text", "Prompt benchmark of a text model: adherence per category, with and without search, paired bootstrap intervals (docs/TEXT.md)")
        {
            model, bench, categories, perCategory, seeds, seed, series, budgets, steps, guidance, textAlign, outDir, maxBatch, encoding, reportOnly, regrade, plots, fidPerClass, data,
        };
        cmd.SetAction(async (p, ct) =>
        {
            var dir = p.GetValue(outDir)!;
            var plotDir = p.GetValue(plots) ?? dir;
            if (p.GetValue(reportOnly))
            {
                if (!Directory.Exists(dir)) throw new CliArgumentException($"--out: no folder '{dir}' (--report-only reads the series TSVs there)");
                if (SeriesFiles(dir).Length == 0) throw new CliArgumentException($"--out: no series TSVs (NAME+BUDGET.tsv) in '{dir}' to report on");
                WriteSummary(dir);
                Console.WriteLine($"wrote {Path.Combine(dir, "summary.md")}");
                WritePlots(dir, plotDir);
                return 0;
            }
            var benchPath = p.GetValue(bench)!;
            if (!File.Exists(benchPath)) throw new CliArgumentException($"--benchmark: no file '{benchPath}'");
            if (p.GetValue(regrade))
            {
                if (!Directory.Exists(dir) || SeriesFiles(dir).Length == 0) throw new CliArgumentException($"--out: no series TSVs (NAME+BUDGET.tsv) in '{dir}' to judge again");
                Regrade(dir, PromptBenchmark.ParseTsv(File.ReadAllText(benchPath)), ct);
                WriteSummary(dir);
                Console.WriteLine($"wrote {Path.Combine(dir, "summary.md")}");
                WritePlots(dir, plotDir);
                return 0;
            }
            Directory.CreateDirectory(dir);
            var wanted = p.GetValue(categories)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            foreach (var c in wanted)
                if (!PromptBenchmark.Categories.Contains(c)) throw new CliArgumentException($"--categories: unknown category '{c}'; known: {string.Join(", ", PromptBenchmark.Categories)}");
            int n = p.GetValue(perCategory);
            if (n < 0) throw new CliArgumentException($"--per-category must be 0 or positive (got {n})");
            var prompts = PromptBenchmark.ParseTsv(File.ReadAllText(benchPath)).Where(b => wanted.Contains(b.Category))
                .GroupBy(b => b.Category).SelectMany(g => n == 0 ? g : g.Take(n)).ToArray();
            // Unit seeds are base x 1 000 003 + prompt x 64 + seed: more than 64 seeds per prompt would reuse another prompt's.
            int seedCount = (int)CliParsing.InRange(CliParsing.Positive(p.GetValue(seeds), "--seeds"), "--seeds", 1, SeedsPerPrompt);
            var extras = p.GetValue(budgets)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(x => int.TryParse(x, NumberStyles.None, CultureInfo.InvariantCulture, out var e) ? e : throw new CliArgumentException($"--budgets: '{x}' is not a whole number")).ToArray();
            var seriesList = p.GetValue(series)!.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(Expand).ToArray();

            using var net = CliModel.Open(p.GetValue(model));
            if (!net.Conditioning.IsText || net.Conditioning.TextEncoder is not { } encoderName)
                throw new CliArgumentException($"--model: {net.Name} is not a text model ({net.Conditioning})");
            if (net.ImageShape != new ImageShape(3, 28, 28)) throw new CliArgumentException($"--model: {net.Name} makes {net.ImageShape} images; the benchmark's checks read 3x28x28");
            using var encoder = TextEncoders.Create(encoderName);
            var embeddings = encoder.Encode(prompts.Select(b => b.Prompt).ToArray(), ct);
            using var catalog = new VerifierCatalog(textAlignPath: p.GetValue(textAlign), log: m => Console.Error.WriteLine(m));
            using var grader = TextBenchmarkGrader.Load();
            var align = catalog.Get("text-align");
            int stepCount = CliParsing.Positive(p.GetValue(steps), "--steps");
            float w = p.GetValue(guidance);
            int sampleNfe = new TrajectorySpec(default, -1, w, SamplerKind.Heun, stepCount).Nfe;
            Console.Error.WriteLine($"eval-text: {prompts.Length} prompts x {seedCount} seeds, {net.Name}, Heun {stepCount} steps ({sampleNfe} NFE), guidance {w}; "
                + $"class judged by {TextBenchmarkGrader.Description}");

            if (p.GetValue(fidPerClass) is > 0 and var perClass)
            {
                if (perClass is < 2 or > 10_000) throw new CliArgumentException($"--fid-per-class must be between 2 and 10000 (got {perClass})");
                var table = PerClassFid.Run(net, PromptBenchmark.ParseTsv(File.ReadAllText(benchPath)), encoder, grader, perClass, stepCount, w, p.GetValue(seed), p.GetValue(data), ct);
                AtomicFile.Write(Path.Combine(dir, "per-class-fid.md"), Encoding.UTF8.GetBytes(table));
                Console.WriteLine(table);
            }

            if (p.GetValue(encoding) is > 0 and var jobs)
                await MeasureEncoding(net, encoderName, catalog, prompts, jobs, sampleNfe, stepCount, w, dir, ct);

            foreach (var s in seriesList)
            {
                foreach (int extra in s == "none" ? [0] : extras.Where(e => e > 0))
                {
                    var file = Path.Combine(dir, $"{FileName(s)}+{extra}.tsv");
                    if (File.Exists(file))
                    {
                        Console.Error.WriteLine($"{s} +{extra}: kept {file}");
                        continue;
                    }
                    var results = await RunSeries(s, extra, net, catalog, grader, align, prompts, embeddings, seedCount, p.GetValue(seed), stepCount, w, sampleNfe,
                        p.GetValue(maxBatch), ct);
                    WriteUnits(file, results);
                    if (s == "none") WriteSheet(Path.Combine(dir, "none-samples.png"), results, prompts);
                    WriteSummary(dir);
                }
            }
            WriteSummary(dir);
            Console.WriteLine($"wrote {Path.Combine(dir, "summary.md")}");
            WritePlots(dir, plotDir);
            return 0;
        });
        return cmd;
    }

    private static string Expand(string s)
    {
        if (s is "none" or "steps") return s;
        var i = s.IndexOf(':', StringComparison.Ordinal);
        if (i <= 0) throw new CliArgumentException($"--series: '{s}' is not none, steps or ALGORITHM:VERIFIER");
        var algorithm = s[..i];
        if (!AlgorithmCatalog.Names.Contains(algorithm)) throw new CliArgumentException($"--series: unknown algorithm '{algorithm}'; known: {string.Join(", ", AlgorithmCatalog.Names)}");
        var verifier = s[(i + 1)..];
        return $"{algorithm}:{(verifier == "ensemble" ? Ensemble : verifier)}";
    }

    private static string FileName(string series) => series.Replace(":", "_", StringComparison.Ordinal).Replace("(", "_", StringComparison.Ordinal)
        .Replace(")", "", StringComparison.Ordinal).Replace(",", "-", StringComparison.Ordinal);

    private const int SeedsPerPrompt = 64;

    private static ulong UnitSeed(ulong baseSeed, int prompt, int s) => baseSeed * 1_000_003UL + (ulong)prompt * SeedsPerPrompt + (ulong)s;

    private static async Task<List<UnitResult>> RunSeries(string series, int extra, CliModel net, VerifierCatalog catalog, TextBenchmarkGrader grader,
        IImageVerifier align, BenchmarkPrompt[] prompts, float[][] embeddings, int seeds, ulong baseSeed, int steps, float w, int sampleNfe, int maxBatch,
        CancellationToken ct)
    {
        long budget = (long)(1 + extra) * sampleNfe;
        int total = prompts.Length * seeds;
        var images = new float[total][];
        var nfe = new long[total];
        var seconds = new double[total];
        int done = 0;
        var bar = new ConsoleProgress($"{series} +{extra}");
        var clock = Stopwatch.StartNew();
        using var denoiser = new ContinuousBatchingDenoiser(net.Field, maxBatch, renderer: net.Renderer);
        IImageVerifier? verifier = series is "none" or "steps" ? null : catalog.Get(series[(series.IndexOf(':', StringComparison.Ordinal) + 1)..]);
        string algorithm = series is "none" or "steps" ? series : series[..series.IndexOf(':', StringComparison.Ordinal)];
        var tasks = Enumerable.Range(0, total).Select(u => Task.Run(async () =>
        {
            int pi = u / seeds, s = u % seeds;
            var b = prompts[pi];
            ulong seed = UnitSeed(baseSeed, pi, s);
            var started = Stopwatch.StartNew();
            if (verifier is null)
            {
                int k = algorithm == "steps" ? StepsForBudget(w, budget) : steps;
                var outcome = (await denoiser.DenoiseAsync([new TrajectorySpec(new NoiseSeed(seed, 0, 0), -1, w, SamplerKind.Heun, k, Embedding: embeddings[pi])], ct))[0];
                images[u] = outcome.State;
                nfe[u] = outcome.Nfe;
            }
            else
            {
                var context = new SearchContext(denoiser, new VerifierPanel(verifier), new NfeBudget(budget));
                var request = new SearchRequest(-1, w, seed, budget, TopK: 1, SamplerKind.Heun, steps, Prompt: b.Prompt, Embedding: embeddings[pi]);
                var result = await AlgorithmCatalog.Create(algorithm).RunAsync(request, context, ct);
                images[u] = result.Top[0].Image;
                nfe[u] = result.Nfe.Total;
            }
            seconds[u] = started.Elapsed.TotalSeconds;
            bar.Report(Interlocked.Increment(ref done), total, $"{clock.Elapsed.TotalSeconds:F0} s");
        }, ct)).ToArray();
        await Task.WhenAll(tasks);
        return Score(prompts, seeds, images, nfe, seconds, grader, align);
    }

    private static List<UnitResult> Score(BenchmarkPrompt[] prompts, int seeds, float[][] images, long[] nfe, double[] seconds, TextBenchmarkGrader grader, IImageVerifier align)
    {
        var shape = new ImageShape(3, 28, 28);
        var predicted = grader.PredictClasses(images);
        var alignScores = align.Score(images.Select((img, u) => new VerifierInput(img, -1, Shape: shape, Prompt: prompts[u / seeds].Prompt)).ToArray());
        var results = new List<UnitResult>();
        for (int u = 0; u < images.Length; u++)
        {
            var b = prompts[u / seeds];
            var asked = new ParsedPrompt(b.Class, b.Colour, b.Orientation, b.Surface, true, []);
            var check = AttributeCheck.Score(asked, images[u], predicted[u]);
            results.Add(new UnitResult(b.Id, b.Category, u % seeds, check.AllMet, check.Fraction ?? 0, predicted[u] == b.Class, alignScores[u], nfe[u], seconds[u], predicted[u],
                Convert.ToBase64String(ImageGrid.ToPixels(images[u]))));
        }
        return results;
    }

    /// <summary>The most Heun steps whose NFE fits the budget.</summary>
    private static int StepsForBudget(float w, long budget)
    {
        int k = 1;
        while (new TrajectorySpec(default, -1, w, SamplerKind.Heun, k + 1).Nfe <= budget) k++;
        return k;
    }

    /// <summary>Times the text encoder (a fresh, uncached one: the worst case, a prompt never seen) against whole +3 jobs run one at a time.</summary>
    private static async Task MeasureEncoding(CliModel net, string encoderName, VerifierCatalog catalog, BenchmarkPrompt[] prompts, int jobs, int sampleNfe, int steps, float w,
        string dir, CancellationToken ct)
    {
        using var fresh = new MiniLmTextEncoder();
        fresh.Encode(["warm up"], ct);
        var verifier = catalog.Get("text-align");
        verifier.Score([new VerifierInput(new float[3 * 28 * 28], -1, Shape: new ImageShape(3, 28, 28), Prompt: "warm up")]);
        var lines = new List<string>();
        double encodeTotal = 0, jobTotal = 0;
        for (int j = 0; j < jobs; j++)
        {
            var b = prompts[(j * 37) % prompts.Length];
            var job = Stopwatch.StartNew();
            var encode = Stopwatch.StartNew();
            var embedding = fresh.Encode([b.Prompt], ct)[0];
            encode.Stop();
            long budget = 4L * sampleNfe;
            var context = new SearchContext(new LocalDenoiser(net.Field, renderer: net.Renderer), new VerifierPanel(verifier), new NfeBudget(budget));
            await AlgorithmCatalog.Create("random").RunAsync(new SearchRequest(-1, w, 77 + (ulong)j, budget, TopK: 1, SamplerKind.Heun, steps, Prompt: b.Prompt, Embedding: embedding), context, ct);
            job.Stop();
            encodeTotal += encode.Elapsed.TotalSeconds;
            jobTotal += job.Elapsed.TotalSeconds;
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{b.Id}\t{encode.Elapsed.TotalMilliseconds:F1}\t{job.Elapsed.TotalMilliseconds:F1}"));
        }
        var summary = string.Create(CultureInfo.InvariantCulture,
            $"text encoding: {encodeTotal / jobs * 1000:F1} ms per prompt (uncached) of {jobTotal / jobs * 1000:F0} ms per +3 random:text-align job = {100 * encodeTotal / jobTotal:F2}% ({encoderName}, {jobs} jobs one at a time)");
        Console.Error.WriteLine(summary);
        File.WriteAllText(Path.Combine(dir, "encoding.tsv"), "prompt\tencode_ms\tjob_ms\n" + string.Join('\n', lines) + "\n# " + summary + "\n");
    }

    /// <summary>
    /// Judges again every unit of the folder's series TSVs from its stored image (8-bit pixels, as a tenant's PNG carries
    /// them): class by <see cref="TextBenchmarkGrader"/>, the other properties by the measurement functions, against what the
    /// benchmark asks of the unit's prompt. The text-align score, NFE and timings are kept.
    /// </summary>
    private static void Regrade(string dir, IReadOnlyList<BenchmarkPrompt> benchmark, CancellationToken ct)
    {
        var asked = benchmark.ToDictionary(b => b.Id, StringComparer.Ordinal);
        // Every file is read and checked before any is rewritten: a refused folder is left as it was.
        var series = SeriesFiles(dir).Select(file =>
        {
            var units = ReadUnits(file);
            if (units.Any(u => u.Image.Length == 0)) throw new CliArgumentException($"--out: {file} has no image column; only a run's own TSVs can be judged again");
            var missing = units.FirstOrDefault(u => !asked.ContainsKey(u.PromptId));
            if (missing is not null) throw new CliArgumentException($"--out: {file}: prompt '{missing.PromptId}' is not in the benchmark");
            var images = units.Select(u => Convert.FromBase64String(u.Image).Select(b => b / 127.5f - 1f).ToArray()).ToArray();
            if (images.Any(i => i.Length != ColourFashion.RgbLength)) throw new CliArgumentException($"--out: {file}: an image is not 3x28x28");
            return (File: file, Units: units, Images: images);
        }).ToArray();
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
            WriteUnits(file, judged);
            Console.Error.WriteLine($"{Path.GetFileName(file)}: {judged.Zip(units).Count(x => x.First.ClassCorrect != x.Second.ClassCorrect)} of {judged.Count} class verdicts changed");
        }
    }

    private static void WriteUnits(string file, List<UnitResult> results)
    {
        var sb = new StringBuilder("prompt\tcategory\tseed\tall_met\tfraction\tclass_correct\ttext_align\tnfe\tseconds\tpredicted\timage\n");
        foreach (var r in results)
            sb.Append(CultureInfo.InvariantCulture, $"{r.PromptId}\t{r.Category}\t{r.Seed}\t{(r.AllMet ? 1 : 0)}\t{r.Fraction:R}\t{(r.ClassCorrect ? 1 : 0)}\t{r.TextAlign:R}\t{r.Nfe}\t{r.Seconds:F3}\t{r.Predicted}\t{r.Image}\n");
        File.WriteAllText(file + ".tmp", sb.ToString());
        File.Move(file + ".tmp", file, overwrite: true);
    }

    private const string Header = "prompt\tcategory\tseed\tall_met\tfraction\tclass_correct\ttext_align\tnfe\tseconds\tpredicted";

    /// <summary>
    /// A series TSV as <see cref="WriteUnits"/> writes it, or without its image column (the records committed under
    /// docs/results/text/records): then each unit's image is empty and the diversity column cannot be computed.
    /// </summary>
    private static List<UnitResult> ReadUnits(string file)
    {
        var lines = File.ReadAllLines(file);
        bool images = lines.Length > 0 && lines[0] == Header + "\timage";
        if (!images && (lines.Length == 0 || lines[0] != Header))
            throw new CliArgumentException($"--out: {file} is not an eval-text series TSV (expected the header '{Header.Replace("\t", " ", StringComparison.Ordinal)}' with or without 'image')");
        int width = images ? 11 : 10;
        return lines.Skip(1).Select((l, i) => (Line: l, Number: i + 2)).Where(x => x.Line.Length > 0).Select(x =>
        {
            var f = x.Line.Split('\t');
            if (f.Length != width) throw new CliArgumentException($"--out: {file}:{x.Number}: {f.Length} fields, expected {width}");
            try
            {
                return new UnitResult(f[0], f[1], int.Parse(f[2], CultureInfo.InvariantCulture), f[3] == "1", double.Parse(f[4], CultureInfo.InvariantCulture), f[5] == "1",
                    double.Parse(f[6], CultureInfo.InvariantCulture), long.Parse(f[7], CultureInfo.InvariantCulture), double.Parse(f[8], CultureInfo.InvariantCulture),
                    int.Parse(f[9], CultureInfo.InvariantCulture), images ? f[10] : "");
            }
            catch (FormatException e)
            {
                throw new CliArgumentException($"--out: {file}:{x.Number}: {e.Message}");
            }
        }).ToList();
    }

    /// <summary>The series TSVs of a folder (NAME+BUDGET.tsv; encoding.tsv and others are not series).</summary>
    private static string[] SeriesFiles(string dir) =>
        Directory.GetFiles(dir, "*.tsv").Where(f => Path.GetFileNameWithoutExtension(f) is var n && n.LastIndexOf('+') is var i && i > 0
            && int.TryParse(n[(i + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out _)).Order(StringComparer.Ordinal).ToArray();

    /// <summary>
    /// A series from its file name (<see cref="FileName"/> of the series, '+', the budget): `none`, `steps` or
    /// ALGORITHM_VERIFIER, the ensemble of text-align and attributes read back as `ensemble`.
    /// </summary>
    private static (string Algorithm, string? Verifier, int Extra) ParseSeriesName(string stem)
    {
        int plus = stem.LastIndexOf('+');
        var name = stem[..plus];
        int extra = int.Parse(stem[(plus + 1)..], CultureInfo.InvariantCulture);
        if (name is "none" or "steps") return (name, null, extra);
        var algorithm = AlgorithmCatalog.Names.FirstOrDefault(a => name.StartsWith(a + "_", StringComparison.Ordinal));
        if (algorithm is null) return (name, "?", extra);
        var verifier = name[(algorithm.Length + 1)..];
        return (algorithm, verifier == FileName(Ensemble) ? "ensemble" : verifier, extra);
    }

    /// <summary>The PNG plots of <see cref="TextEvalPlots"/> from every series TSV in <paramref name="dir"/>, into <paramref name="plotDir"/>.</summary>
    private static void WritePlots(string dir, string plotDir)
    {
        Directory.CreateDirectory(plotDir);
        var series = SeriesFiles(dir).Select(f => (Name: ParseSeriesName(Path.GetFileNameWithoutExtension(f)), Units: ReadUnits(f)))
            .Select(x => new TextSeries(x.Name.Algorithm, x.Name.Verifier, x.Name.Extra,
                x.Units.Select(u => new TextUnit(u.PromptId, u.Category, u.Seed, u.AllMet, u.Fraction, u.ClassCorrect, u.TextAlign, u.Nfe)).ToArray()))
            .ToArray();
        foreach (var path in TextEvalPlots.Plot(series, plotDir)) Console.WriteLine($"wrote {path}");
    }

    private static void WriteSheet(string path, List<UnitResult> results, BenchmarkPrompt[] prompts)
    {
        var tiles = results.Where(r => r.Seed == 0).GroupBy(r => r.Category).SelectMany(g => g.Take(8))
            .Select(r => (Convert.FromBase64String(r.Image), $"{(r.AllMet ? "ok" : "no")} {r.PromptId.Split('-')[0]}")).ToList();
        if (tiles.Count > 0) File.WriteAllBytes(path, ContactSheet.EncodePng(tiles, new ImageShape(3, 28, 28), columns: 8, scale: 3));
        _ = prompts;
    }

    /// <summary>summary.md from every series TSV in <paramref name="dir"/>: per category, and paired differences against no search.</summary>
    private static void WriteSummary(string dir)
    {
        var files = SeriesFiles(dir);
        var all = files.ToDictionary(f => Path.GetFileNameWithoutExtension(f), ReadUnits);
        var sb = new StringBuilder("# eval-text summary\n\n");
        sb.Append("Units are (prompt, seed). all-met: every asked property met (class by the evaluation classifier (docs/MODEL.md; no verifier uses it) on luminance, colour, orientation and surface by the measurement functions); "
            + "fraction: mean fraction of asked properties met; class: class correct; align: mean text-align cosine; diversity: mean pixel RMS distance between a prompt's seeds (0-2 scale of [-1, 1] images; – where the TSVs carry no images); NFE: mean per unit.\n\n");
        sb.Append("| series | category | units | all-met | fraction | class | align | diversity | NFE | s/unit |\n|---|---|---|---|---|---|---|---|---|---|\n");
        foreach (var (name, units) in all.OrderBy(kv => SortKey(kv.Key)))
        {
            foreach (var group in units.GroupBy(u => u.Category).OrderBy(g => Array.IndexOf(PromptBenchmark.Categories.ToArray(), g.Key)).Append(null))
            {
                var us = group?.ToList() ?? units;
                sb.Append(CultureInfo.InvariantCulture,
                    $"| {name} | {group?.Key ?? "**all**"} | {us.Count} | {us.Average(u => u.AllMet ? 1.0 : 0):P1} | {us.Average(u => u.Fraction):F3} | {us.Average(u => u.ClassCorrect ? 1.0 : 0):P1} | {us.Average(u => u.TextAlign):F3} | {(Diversity(us) is var dv && double.IsNaN(dv) ? "–" : dv.ToString("F3", CultureInfo.InvariantCulture))} | {us.Average(u => u.Nfe):F0} | {us.Average(u => u.Seconds):F2} |\n");
            }
        }
        if (all.TryGetValue("none+0", out var baseline))
        {
            var byKey = baseline.ToDictionary(u => (u.PromptId, u.Seed));
            sb.Append("\n## Paired differences against no search (same prompts and seeds; 95% paired bootstrap, 2000 resamples)\n\n");
            sb.Append("| series | prompts | units | all-met (search) | all-met (none) | difference [95% interval] | fraction difference [95% interval] |\n|---|---|---|---|---|---|---|\n");
            foreach (var (name, units) in all.Where(kv => kv.Key != "none+0").OrderBy(kv => SortKey(kv.Key)))
            {
                foreach (var (label, filter) in new (string, Func<UnitResult, bool>)[]
                {
                    ("2-3 properties", u => u.Category is PromptBenchmark.TwoProperties or PromptBenchmark.ThreeProperties),
                    ("all", _ => true),
                })
                {
                    var pairs = units.Where(filter).Where(u => byKey.ContainsKey((u.PromptId, u.Seed))).Select(u => (u, b: byKey[(u.PromptId, u.Seed)])).ToArray();
                    if (pairs.Length == 0) continue;
                    var d = pairs.Select(x => (x.u.AllMet ? 1.0 : 0) - (x.b.AllMet ? 1.0 : 0)).ToArray();
                    var df = pairs.Select(x => x.u.Fraction - x.b.Fraction).ToArray();
                    var (lo, hi) = Bootstrap(d);
                    var (flo, fhi) = Bootstrap(df);
                    sb.Append(CultureInfo.InvariantCulture,
                        $"| {name} | {label} | {pairs.Length} | {pairs.Average(x => x.u.AllMet ? 1.0 : 0):P1} | {pairs.Average(x => x.b.AllMet ? 1.0 : 0):P1} | {d.Average() * 100:+0.0;-0.0} pts [{lo * 100:+0.0;-0.0}, {hi * 100:+0.0;-0.0}] | {df.Average():+0.000;-0.000} [{flo:+0.000;-0.000}, {fhi:+0.000;-0.000}] |\n");
                }
            }
        }
        var enc = Path.Combine(dir, "encoding.tsv");
        if (File.Exists(enc)) sb.Append("\n## Text encoding\n\n").Append(File.ReadAllLines(enc).Last().TrimStart('#', ' ')).Append('\n');
        File.WriteAllText(Path.Combine(dir, "summary.md"), sb.ToString());
    }

    private static (int, int, string) SortKey(string name)
    {
        int plus = name.LastIndexOf('+');
        int extra = int.Parse(name[(plus + 1)..], CultureInfo.InvariantCulture);
        return (name.StartsWith("none", StringComparison.Ordinal) ? 0 : name.StartsWith("steps", StringComparison.Ordinal) ? 1 : 2, extra, name);
    }

    /// <summary>Mean over prompts with at least two seeds of the mean pairwise RMS pixel distance between their images.</summary>
    private static double Diversity(List<UnitResult> units)
    {
        var perPrompt = new List<double>();
        foreach (var g in units.GroupBy(u => u.PromptId))
        {
            var imgs = g.Where(u => u.Image.Length > 0).Select(u => Convert.FromBase64String(u.Image)).ToArray();
            if (imgs.Length < 2) continue;
            double sum = 0;
            int pairs = 0;
            for (int i = 0; i < imgs.Length; i++)
                for (int j = i + 1; j < imgs.Length; j++)
                {
                    double acc = 0;
                    for (int k = 0; k < imgs[i].Length; k++)
                    {
                        double diff = (imgs[i][k] - imgs[j][k]) / 127.5;
                        acc += diff * diff;
                    }
                    sum += Math.Sqrt(acc / imgs[i].Length);
                    pairs++;
                }
            perPrompt.Add(sum / pairs);
        }
        return perPrompt.Count == 0 ? double.NaN : perPrompt.Average();
    }

    /// <summary>95% percentile interval of the mean of <paramref name="d"/> over 2000 resamples (fixed seed).</summary>
    private static (double Lo, double Hi) Bootstrap(double[] d)
    {
        var rng = new Random(20250612);
        var means = new double[2000];
        for (int r = 0; r < means.Length; r++)
        {
            double s = 0;
            for (int i = 0; i < d.Length; i++) s += d[rng.Next(d.Length)];
            means[r] = s / d.Length;
        }
        Array.Sort(means);
        return (means[49], means[1949]);
    }
}
