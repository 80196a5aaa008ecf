using System.Diagnostics;
using GenerationPlatform.Core.Model;
using GenerationPlatform.Core.Sampling;
using GenerationPlatform.Core.Verifiers;
using GenerationPlatform.Diffusion.Imaging;
using GenerationPlatform.Search;
using GenerationPlatform.Serving;
using GenerationPlatform.Text;
using GenerationPlatform.Tools;

namespace GenerationPlatform.Research.TextEval;

/// <summary>
/// One series at one budget over every (prompt, seed) unit, all units at once through one continuous-batching denoiser:
/// none (one sample), steps (the most Heun steps the budget allows) or a search with a verifier; then every unit judged.
/// </summary>
internal static class TextSeriesRun
{
    private static readonly ImageShape Shape = new(3, 28, 28);

    public static async Task<List<TextUnitResult>> RunAsync(string series, int extra, TextBenchmarkContext run, CancellationToken ct)
    {
        var s = run.Settings;
        long budget = (long)(1 + extra) * run.SampleNfe;
        int total = run.Prompts.Length * s.Seeds, done = 0;
        var (images, nfe, seconds) = (new float[total][], new long[total], new double[total]);
        var bar = new ConsoleProgress($"{series} +{extra}");
        var clock = Stopwatch.StartNew();
        using var denoiser = new ContinuousBatchingDenoiser(run.Net.Field, s.MaxBatch, renderer: run.Net.Renderer);
        IImageVerifier? verifier = series is "none" or "steps" ? null : run.Catalog.Get(series[(series.IndexOf(':', StringComparison.Ordinal) + 1)..]);
        string algorithm = series is "none" or "steps" ? series : series[..series.IndexOf(':', StringComparison.Ordinal)];
        var tasks = Enumerable.Range(0, total).Select(u => Task.Run(async () =>
        {
            int pi = u / s.Seeds;
            ulong seed = UnitSeed(s.Seed, pi, u % s.Seeds);
            var started = Stopwatch.StartNew();
            (images[u], nfe[u]) = verifier is null
                ? await SampleAsync(denoiser, algorithm == "steps" ? StepsForBudget(s.Guidance, budget) : s.Steps, seed, s.Guidance, run.Embeddings[pi], ct)
                : await SearchAsync(denoiser, verifier, algorithm, budget, seed, run.Prompts[pi].Prompt, run.Embeddings[pi], s, ct);
            seconds[u] = started.Elapsed.TotalSeconds;
            bar.Report(Interlocked.Increment(ref done), total, $"{clock.Elapsed.TotalSeconds:F0} s");
        }, ct)).ToArray();
        await Task.WhenAll(tasks);
        return Score(run, images, nfe, seconds);
    }

    /// <summary>A unit's seed: base x 1 000 003 + prompt x 64 + seed.</summary>
    public static ulong UnitSeed(ulong baseSeed, int prompt, int s) => baseSeed * 1_000_003UL + (ulong)prompt * EvalTextSettings.SeedsPerPrompt + (ulong)s;

    private static async Task<(float[] Image, long Nfe)> SampleAsync(IDenoiser denoiser, int steps, ulong seed, float w, float[] embedding, CancellationToken ct)
    {
        var outcome = (await denoiser.DenoiseAsync([new TrajectorySpec(new NoiseSeed(seed, 0, 0), -1, w, SamplerKind.Heun, steps, Embedding: embedding)], ct))[0];
        return (outcome.State, outcome.Nfe);
    }

    private static async Task<(float[] Image, long Nfe)> SearchAsync(IDenoiser denoiser, IImageVerifier verifier, string algorithm, long budget, ulong seed, string prompt,
        float[] embedding, EvalTextSettings s, CancellationToken ct)
    {
        var context = new SearchContext(denoiser, new VerifierPanel(verifier), new NfeBudget(budget));
        var request = new SearchRequest(-1, s.Guidance, seed, budget, TopK: 1, SamplerKind.Heun, s.Steps, Prompt: prompt, Embedding: embedding);
        var result = await AlgorithmCatalog.Create(algorithm).RunAsync(request, context, ct);
        return (result.Top[0].Image, result.Nfe.Total);
    }

    /// <summary>Every unit judged: class by the grader, the other asked properties by the measurement functions, and its text-align score.</summary>
    private static List<TextUnitResult> Score(TextBenchmarkContext run, float[][] images, long[] nfe, double[] seconds)
    {
        int seeds = run.Settings.Seeds;
        var predicted = run.Grader.PredictClasses(images);
        var alignScores = run.Align.Score(images.Select((img, u) => new VerifierInput(img, -1, Shape: Shape, Prompt: run.Prompts[u / seeds].Prompt)).ToArray());
        var results = new List<TextUnitResult>();
        for (int u = 0; u < images.Length; u++)
        {
            var b = run.Prompts[u / seeds];
            var asked = new ParsedPrompt(b.Class, b.Colour, b.Orientation, b.Surface, true, []);
            var check = AttributeCheck.Score(asked, images[u], predicted[u]);
            results.Add(new TextUnitResult(b.Id, b.Category, u % seeds, check.AllMet, check.Fraction ?? 0, predicted[u] == b.Class, alignScores[u], nfe[u], seconds[u],
                predicted[u], Convert.ToBase64String(ImageGrid.ToPixels(images[u])), UnitSeed(run.Settings.Seed, u / seeds, u % seeds)));
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
}
