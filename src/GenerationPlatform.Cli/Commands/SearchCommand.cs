using System.CommandLine;
using GenerationPlatform.Core.Verifiers;
using GenerationPlatform.Search;
using GenerationPlatform.Search.Jobs;
using GenerationPlatform.Serving;
using GenerationPlatform.Verifiers;
using GenerationPlatform.Tools;

namespace GenerationPlatform.Cli.Commands;

/// <summary>
/// <c>genplat search</c>: one search job on this machine, validated exactly as the API validates a request
/// (<see cref="SearchJobValidation"/>), run on the opened model with the verifiers built here, written as the platform
/// writes results (<see cref="SearchReport"/>).
/// </summary>
internal static class SearchCommand
{
    public static Command Create()
    {
        var options = new SearchOptions();
        var command = new Command("search", "Search over noises or paths for images a verifier prefers, within an NFE budget");
        foreach (var option in options.All) command.Options.Add(option);
        command.SetAction((p, ct) => RunAsync(SearchSettings.Parse(p, options), ct));
        return command;
    }

    public static async Task<int> RunAsync(SearchSettings settings, CancellationToken cancellationToken)
    {
        using var net = CliModel.Open(settings.Model ?? CliModel.FastestName);
        var job = Validate(settings, net);
        var outDir = settings.Out ?? Path.Combine("genplat-out", $"search-{net.Name}-{job.Request.Seed}");
        CliParsing.EnsureWritable(Path.Combine(outDir, "result.json"), "--out");
        using var catalog = new VerifierCatalog(onnxVerifiers: settings.Onnx);
        var verifiers = Build(catalog, job);
        var request = job.Request with { Embedding = job.Request.Prompt is { } prompt ? net.Embed(prompt) : null };
        var bar = new ConsoleProgress($"search {job.Algorithm.Name}");
        var context = new SearchContext(new LocalDenoiser(net.Field, renderer: net.Renderer), new VerifierPanel(verifiers[0], verifiers[1..]),
            new NfeBudget(request.BudgetNfe), new SyncProgress(e => bar.Report(e.Nfe.Total, e.Budget, $"NFE, round {e.Round}, best {e.BestScore:F4}")));
        var started = DateTimeOffset.UtcNow;
        var result = await job.Algorithm.RunAsync(request, context, cancellationToken);
        bar.Report(result.Nfe.Total, result.Budget, "NFE, done", force: true);
        SearchReport.Write(outDir, net, job, result, started);
        return 0;
    }

    /// <summary>The job as the API would accept it, or the first problem, naming this command's option.</summary>
    private static SearchJobSpec Validate(SearchSettings settings, CliModel net)
    {
        try
        {
            return SearchJobValidation.Validate(settings.Job with { Model = net.Name }, SearchJobLimits.Default, new LocalJobCatalog(net.Description, settings.Onnx));
        }
        catch (SearchJobException e)
        {
            throw new CliArgumentException($"{settings.OptionFor(e)}: {e.Message}");
        }
    }

    /// <summary>The job's verifiers; an operator's ONNX verifier whose model does not fit its contract is refused naming the option.</summary>
    private static IImageVerifier[] Build(VerifierCatalog catalog, SearchJobSpec job)
    {
        try { return job.Verifiers.Select(catalog.Get).ToArray(); }
        catch (Verifiers.Onnx.OnnxContractException e) { throw new CliArgumentException($"{OnnxVerifierOption.Name}: {e.Message}"); }
    }

    private sealed class SyncProgress(Action<SearchProgress> report) : IProgress<SearchProgress>
    {
        public void Report(SearchProgress value) => report(value);
    }
}
