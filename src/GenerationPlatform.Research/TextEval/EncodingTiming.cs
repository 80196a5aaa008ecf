using System.Diagnostics;
using System.Globalization;
using GenerationPlatform.Core.Model;
using GenerationPlatform.Core.Sampling;
using GenerationPlatform.Core.Verifiers;
using GenerationPlatform.Search;
using GenerationPlatform.Serving;
using GenerationPlatform.Text;

namespace GenerationPlatform.Research.TextEval;

/// <summary>
/// The text encoder's share of a search job (eval-text --measure-encoding): a fresh, uncached encoder (the worst case, a
/// prompt never seen) timed against whole +3 random:text-align jobs run one at a time; written to encoding.tsv.
/// </summary>
internal static class EncodingTiming
{
    public const string FileName = "encoding.tsv";

    public static async Task MeasureAsync(TextBenchmarkContext run, string encoderName, int jobs, CancellationToken ct)
    {
        using var fresh = new MiniLmTextEncoder();
        fresh.Encode(["warm up"], ct);
        var verifier = run.Catalog.Get("text-align");
        verifier.Score([new VerifierInput(new float[3 * 28 * 28], -1, Shape: new ImageShape(3, 28, 28), Prompt: "warm up")]);
        var lines = new List<string>();
        double encodeTotal = 0, jobTotal = 0;
        for (int j = 0; j < jobs; j++)
        {
            var b = run.Prompts[(j * 37) % run.Prompts.Length];
            var job = Stopwatch.StartNew();
            var encode = Stopwatch.StartNew();
            var embedding = fresh.Encode([b.Prompt], ct)[0];
            encode.Stop();
            long budget = 4L * run.SampleNfe;
            var context = new SearchContext(new LocalDenoiser(run.Net.Field, renderer: run.Net.Renderer), new VerifierPanel(verifier), new NfeBudget(budget));
            var request = new SearchRequest(-1, run.Settings.Guidance, 77 + (ulong)j, budget, TopK: 1, SamplerKind.Heun, run.Settings.Steps,
                Prompt: b.Prompt, Embedding: embedding);
            await AlgorithmCatalog.Create("random").RunAsync(request, context, ct);
            job.Stop();
            encodeTotal += encode.Elapsed.TotalSeconds;
            jobTotal += job.Elapsed.TotalSeconds;
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{b.Id}\t{encode.Elapsed.TotalMilliseconds:F1}\t{job.Elapsed.TotalMilliseconds:F1}"));
        }
        var summary = string.Create(CultureInfo.InvariantCulture,
            $"text encoding: {encodeTotal / jobs * 1000:F1} ms per prompt (uncached) of {jobTotal / jobs * 1000:F0} ms per +3 random:text-align job = "
            + $"{100 * encodeTotal / jobTotal:F2}% ({encoderName}, {jobs} jobs one at a time)");
        Console.Error.WriteLine(summary);
        File.WriteAllText(Path.Combine(run.Settings.Out, FileName), "prompt\tencode_ms\tjob_ms\n" + string.Join('\n', lines) + "\n# " + summary + "\n");
    }
}
