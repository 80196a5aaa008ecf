using System.CommandLine;
using System.Globalization;
using GenerationPlatform.Contracts;
using GenerationPlatform.Diffusion.Imaging;
using GenerationPlatform.Grains;
using GenerationPlatform.Search;
using GenerationPlatform.Serving;
using GenerationPlatform.Search.Algorithms;
using GenerationPlatform.Verifiers;
using GenerationPlatform.Core.Sampling;
using GenerationPlatform.Tools;

namespace GenerationPlatform.Cli.Commands;

internal static class SearchCommand
{
    public const long MaxBudget = 1_000_000;
    public static readonly string[] AlgorithmNames = ["random", "zero-order", "paths", "particles", "pruned", "beam"];

    private sealed class SyncProgress(Action<SearchProgress> report) : IProgress<SearchProgress>
    {
        public void Report(SearchProgress value) => report(value);
    }

    public static Command Create()
    {
        var cls = new Option<string?>("--class") { Description = "class name or index (class models)" };
        var prompt = new Option<string?>("--prompt") { Description = "the prompt (text models; at most 256 characters)" };
        var targetScore = new Option<double?>("--target-score") { Description = "adaptive budget (random, zero-order): stop once the best score reaches this" };
        var patience = new Option<int?>("--patience") { Description = "adaptive budget (random, zero-order): stop after this many rounds without a better best score" };
        var algorithm = new Option<string>("--algorithm") { Description = string.Join("|", AlgorithmNames), DefaultValueFactory = _ => "random" };
        var verifier = new Option<string>("--verifier") { Description = "classifier, class-gaussian, resnet-probe, self-consistency, onnx:NAME or ensemble(a,b,...)", DefaultValueFactory = _ => "classifier" };
        var onnx = OnnxVerifierOption.Create();
        var also = new Option<string[]>("--report-verifier") { Description = "further verifiers whose scores are reported, not optimized", AllowMultipleArgumentsPerToken = true };
        var budget = new Option<long>("--budget-nfe") { Description = $"hard cap on denoiser NFE, search and final together (1-{MaxBudget})", DefaultValueFactory = _ => 2000 };
        var topK = new Option<int>("--top-k") { Description = "images to return", DefaultValueFactory = _ => 4 };
        var seed = new Option<ulong>("--seed") { DefaultValueFactory = _ => 1 };
        var steps = new Option<int>("--steps") { Description = "sampler steps of one full sample", DefaultValueFactory = _ => 10 };
        var sampler = new Option<string>("--sampler") { Description = "euler or heun", DefaultValueFactory = _ => "heun" };
        var cfg = new Option<double>("--cfg") { Description = "classifier-free guidance scale", DefaultValueFactory = _ => GenerateCommand.DefaultGuidance };
        var outDir = new Option<string>("--out") { Description = "folder for top-k PNGs, candidates.png and result.json", Required = true };
        var model = new Option<string?>("--model") { Description = "a model folder, manifest, shipped model name or .safetensors file (default: velocity-unet)" };
        // Algorithm parameters, named after the option records' fields.
        var previewSteps = new Option<int?>("--preview-steps") { Description = "random: score on previews of this many steps, regenerate the top-k" };
        var neighbours = new Option<int>("--neighbours") { Description = "zero-order: N", DefaultValueFactory = _ => new ZeroOrderOptions().Neighbours };
        var cosine = new Option<double>("--cosine") { Description = "zero-order: c", DefaultValueFactory = _ => new ZeroOrderOptions().Cosine };
        var onReject = new Option<string>("--on-reject") { Description = "zero-order: keep-pivot or restart", DefaultValueFactory = _ => "keep-pivot" };
        var paths = new Option<int?>("--paths") { Description = "paths: N (default: the most the budget allows)" };
        var renoisings = new Option<int>("--renoisings") { Description = "paths: M", DefaultValueFactory = _ => new PathOptions().Renoisings };
        var tStart = new Option<double>("--t-start") { DefaultValueFactory = _ => new PathOptions().TStart };
        var forwardDt = new Option<double>("--forward-dt") { DefaultValueFactory = _ => new PathOptions().ForwardDt };
        var backwardDt = new Option<double>("--backward-dt") { DefaultValueFactory = _ => new PathOptions().BackwardDt };
        var backwardSteps = new Option<int>("--steps-per-backward") { DefaultValueFactory = _ => new PathOptions().StepsPerBackward };
        var particles = new Option<int?>("--particles") { Description = "particles: K (default: the most the budget allows)" };
        var lambda = new Option<double>("--lambda") { DefaultValueFactory = _ => new ParticleOptions().Lambda };
        var potential = new Option<string>("--potential") { Description = "particles: difference or level", DefaultValueFactory = _ => "difference" };
        var resampleEvery = new Option<int>("--resample-every") { DefaultValueFactory = _ => new ParticleOptions().ResampleEvery };
        var ess = new Option<double>("--ess-threshold") { DefaultValueFactory = _ => new ParticleOptions().EssThreshold };
        var eta = new Option<double>("--eta") { DefaultValueFactory = _ => new ParticleOptions().Eta };
        var pruneAt = new Option<string>("--prune-at") { Description = "pruned: fractions of the schedule", DefaultValueFactory = _ => string.Join(',', new PrunedOptions().Stages.Select(x => x.ToString(CultureInfo.InvariantCulture))) };
        var keep = new Option<double>("--keep") { DefaultValueFactory = _ => new PrunedOptions().Keep };
        var candidates = new Option<int?>("--candidates") { Description = "pruned, beam: starting noises (default: the most the budget allows)" };
        var ranking = new Option<string>("--ranking") { Description = "pruned, beam: x0-prediction or noise-aware (the classifier's noise-aware head)", DefaultValueFactory = _ => "x0-prediction" };
        var beams = new Option<int>("--beams") { Description = "beam: B", DefaultValueFactory = _ => new BeamOptions().Beams };
        var branches = new Option<int>("--branches") { Description = "beam: M", DefaultValueFactory = _ => new BeamOptions().Branches };
        var expandAt = new Option<string>("--expand-at") { Description = "beam: fractions of the schedule", DefaultValueFactory = _ => string.Join(',', new BeamOptions().Stages.Select(x => x.ToString(CultureInfo.InvariantCulture))) };
        var cmd = new Command("search", "Search over noises or paths for images a verifier prefers, within an NFE budget")
        {
            cls, prompt, targetScore, patience, algorithm, verifier, onnx, also, budget, topK, seed, steps, sampler, cfg, outDir, model,
            previewSteps, neighbours, cosine, onReject, paths, renoisings, tStart, forwardDt, backwardDt, backwardSteps,
            particles, lambda, potential, resampleEvery, ess, eta, pruneAt, keep, candidates, ranking, beams, branches, expandAt,
        };
        cmd.SetAction(async (p, ct) =>
        {
            long b = p.GetValue(budget) is var bv and >= 1 and <= MaxBudget ? bv : throw new CliArgumentException($"--budget-nfe must be between 1 and {MaxBudget} (got {p.GetValue(budget)})");
            int k = p.GetValue(topK) is var kv and >= 1 and <= 64 ? kv : throw new CliArgumentException($"--top-k must be between 1 and 64 (got {p.GetValue(topK)})");
            int s = p.GetValue(steps) is var sv and >= 1 and <= GenerateCommand.MaxSteps ? sv : throw new CliArgumentException($"--steps must be between 1 and {GenerateCommand.MaxSteps} (got {p.GetValue(steps)})");
            var kind = GenerateCommand.ParseSampler(p.GetValue(sampler)!);
            if (kind == SamplerKind.Stochastic) throw new CliArgumentException("--sampler: searches use euler or heun (particles bring their own stochastic sampler)");
            double w = CliParsing.InRange(p.GetValue(cfg), "--cfg", 0, 20);
            var dir = p.GetValue(outDir)!;
            CliParsing.EnsureWritable(Path.Combine(dir, "result.json"), "--out");
            ISearchAlgorithm search;
            try
            {
                search = p.GetValue(algorithm)!.Trim().ToLowerInvariant() switch
                {
                    "random" => new RandomSearch(new RandomSearchOptions(p.GetValue(previewSteps))),
                    "zero-order" => new ZeroOrderSearch(new ZeroOrderOptions(p.GetValue(neighbours), p.GetValue(cosine), OnReject: p.GetValue(onReject)!.Trim().ToLowerInvariant() switch
                    {
                        "keep-pivot" => ZeroOrderOnReject.KeepPivot,
                        "restart" => ZeroOrderOnReject.Restart,
                        var other => throw new CliArgumentException($"--on-reject: '{other}' is not keep-pivot or restart"),
                    })),
                    "paths" => new PathSearch(new PathOptions(p.GetValue(paths), p.GetValue(renoisings), p.GetValue(tStart), p.GetValue(forwardDt), p.GetValue(backwardDt), p.GetValue(backwardSteps))),
                    "particles" => new ParticleSearch(new ParticleOptions(p.GetValue(particles), p.GetValue(lambda), p.GetValue(potential)!.Trim().ToLowerInvariant() switch
                    {
                        "difference" => ParticlePotential.Difference,
                        "level" => ParticlePotential.Level,
                        var other => throw new CliArgumentException($"--potential: '{other}' is not difference or level"),
                    }, p.GetValue(resampleEvery), p.GetValue(ess), p.GetValue(eta))),
                    "pruned" => new PrunedSearch(new PrunedOptions(ParseFractions(p.GetValue(pruneAt)!), p.GetValue(keep), p.GetValue(candidates), ParseRanking(p.GetValue(ranking)!))),
                    "beam" => new BeamSearch(new BeamOptions(p.GetValue(beams), p.GetValue(branches), ParseFractions(p.GetValue(expandAt)!, "--expand-at"), p.GetValue(eta),
                        ParseRanking(p.GetValue(ranking)!), p.GetValue(candidates))),
                    var other => throw new CliArgumentException($"--algorithm: unknown algorithm '{other}'; use {string.Join(", ", AlgorithmNames)}"),
                };
                search.Validate();
            }
            catch (ArgumentOutOfRangeException e)
            {
                throw new CliArgumentException($"--{Kebab(e.ParamName ?? "option")}: {e.Message.Split(" (Parameter")[0]}");
            }

            using var catalog = new VerifierCatalog(onnxVerifiers: OnnxVerifierOption.Parse(p.GetValue(onnx)));
            Search.VerifierPanel panel;
            try
            {
                panel = new Search.VerifierPanel(catalog.Get(p.GetValue(verifier)!), (p.GetValue(also) ?? []).Select(catalog.Get).ToArray());
            }
            catch (UnknownVerifierException e) { throw new CliArgumentException($"--verifier: {e.Message}"); }
            catch (Verifiers.Onnx.OnnxContractException e) { throw new CliArgumentException($"{OnnxVerifierOption.Name}: {e.Message}"); }
            using var net = CliModel.Open(p.GetValue(model));
            var (label, promptText, embedding) = net.Condition(p.GetValue(cls), p.GetValue(prompt));
            var request = new SearchRequest(label, (float)w, p.GetValue(seed), b, k, kind, s, Prompt: promptText, Embedding: embedding,
                TargetScore: p.GetValue(targetScore), Patience: p.GetValue(patience));
            try { AlgorithmCatalog.Plan(AlgorithmCatalog.SpecOf(search), request); }
            catch (SearchPlanException e)
            {
                throw new CliArgumentException($"--{e.Field switch
                {
                    SearchPlanField.TargetScore => "target-score",
                    SearchPlanField.Patience => "patience",
                    SearchPlanField.Budget => "budget-nfe",
                    SearchPlanField.Steps => "steps",
                    SearchPlanField.TopK => "top-k",
                    SearchPlanField.AlgorithmParameter when e.Parameter is { } parameter => parameter,
                    _ => "algorithm",
                }}: {e.Message}");
            }
            if (search.RanksNoisyInputs && !panel.Primary.RanksNoisyInputs)
                throw new CliArgumentException($"--ranking: {StageSchedule.NoHeadMessage(search.Name, panel.Primary.Name)}");
            var bar = new ConsoleProgress($"search {search.Name}");
            var context = new SearchContext(new LocalDenoiser(net.Field, renderer: net.Renderer), panel, new NfeBudget(b),
                new SyncProgress(e => bar.Report(e.Nfe.Total, e.Budget, $"round {e.Round}  best {e.BestScore:F4}")));
            SearchResult result;
            var started = DateTimeOffset.UtcNow;
            try { result = await search.RunAsync(request, context, ct); }
            catch (BudgetExceededException e) { throw new CliArgumentException($"--budget-nfe: {e.Message}"); }
            bar.Report(result.Nfe.Total, result.Budget, "done", force: true);
            Directory.CreateDirectory(dir);
            for (int i = 0; i < result.Top.Count; i++)
                AtomicFile.Write(Path.Combine(dir, $"top-{i + 1}.png"), ImageGrid.EncodePng(result.Top[i].Image, net.ImageShape, scale: 4));
            var sheet = result.AllScored.OrderByDescending(c => c.Scores.Primary).Take(400)
                .Select(c => (ImageGrid.ToPixels(c.Image), c.Scores.Primary.ToString(Math.Abs(c.Scores.Primary) < 10 ? "F3" : "F1", CultureInfo.InvariantCulture))).ToList();
            AtomicFile.Write(Path.Combine(dir, "candidates.png"), ContactSheet.EncodePng(sheet, net.ImageShape, columns: (int)Math.Ceiling(Math.Sqrt(sheet.Count))));
            // The platform's result record (as the result store holds it): one format, whoever ran the search.
            var spec = AlgorithmCatalog.SpecOf(search);
            var job = new JobRequest("local", net.Name, spec, result.Verifier, label, (float)w, request.Seed, b, k,
                kind.ToContract(), s, ReportedVerifiers: panel.All.Skip(1).Select(v => v.Name).ToArray() is { Length: > 0 } extra ? extra : null, Prompt: promptText,
                TargetScore: request.TargetScore, Patience: request.Patience);
            var record = ResultWriting.Record($"local-{request.Seed:x16}", job, result.ToContract(spec, net.Network.ForwardFlops), started, DateTimeOffset.UtcNow);
            AtomicFile.Write(Path.Combine(dir, "result.json"), ResultWriting.Serialize(record));
            Console.WriteLine($"{result.Algorithm} with {result.Verifier}: {(result.StopReason == StopReason.Completed ? "" : $"stopped early ({result.StopReason}), ")}best {result.Top[0].Scores.Primary:F4}, {result.AllScored.Count} candidates scored, NFE {result.Nfe.Search} search + {result.Nfe.Final} final of {b}; wrote {dir}");
            return 0;
        });
        return cmd;
    }

    private static double[] ParseFractions(string text, string option = "--prune-at") =>
        text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(x => double.TryParse(x, NumberStyles.Float, CultureInfo.InvariantCulture, out var f) ? f : throw new CliArgumentException($"{option}: '{x}' is not a number")).ToArray();

    private static PruneRanking ParseRanking(string text) => text.Trim().ToLowerInvariant() switch
    {
        "x0-prediction" => PruneRanking.X0Prediction,
        "noise-aware" => PruneRanking.NoiseAware,
        var other => throw new CliArgumentException($"--ranking: '{other}' is not x0-prediction or noise-aware"),
    };

    private static string Kebab(string pascal) =>
        string.Concat(pascal.Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
