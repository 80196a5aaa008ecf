using System.CommandLine;
using GenerationPlatform.Search;
using GenerationPlatform.Tools;

namespace GenerationPlatform.Cli.Commands;

/// <summary>
/// The options of <c>genplat search</c>: the request's, then every parameter of every algorithm, generated from the
/// algorithm catalogue (so the CLI cannot fall behind it) and described with the algorithms that take it.
/// </summary>
internal sealed class SearchOptions
{
    public Option<string?> Model { get; } = new("--model")
    {
        Description = "a model folder, manifest, shipped model name or .safetensors file (default: velocity-unet-onnx; velocity-unet: the same network on TorchSharp)",
    };
    public Option<string?> Class { get; } = new("--class") { Description = "class name or index (class models)" };
    public Option<string?> Prompt { get; } = new("--prompt") { Description = "the prompt (text models; at most 256 characters)" };
    public Option<string> Algorithm { get; } = new("--algorithm")
    {
        Description = $"{string.Join(", ", AlgorithmCatalog.Names)}; its parameters are the options below, each marked with the algorithms that take it",
        DefaultValueFactory = _ => "random",
    };
    public Option<string?> Verifier { get; } = new("--verifier")
    {
        Description = "what the search optimizes: classifier, class-gaussian, resnet-probe, self-consistency, text-align, attributes, onnx:NAME or ensemble(a,b,...) " +
            "(default: the model's: classifier for the Fashion-MNIST class models, text-align for text models)",
    };
    public Option<string[]> Reported { get; } = new("--report-verifier")
    {
        Description = "more verifiers whose scores are reported, not optimized; repeatable", AllowMultipleArgumentsPerToken = true,
    };
    public Option<string[]> Onnx { get; } = OnnxVerifierOption.Create();
    public Option<long> Budget { get; } = new("--budget-nfe") { Description = "hard cap on denoiser NFE, search and final denoising together", DefaultValueFactory = _ => 2000 };
    public Option<int> TopK { get; } = new("--top-k") { Description = "how many of the best images to keep", DefaultValueFactory = _ => 4 };
    public Option<ulong> Seed { get; } = new("--seed") { Description = "request seed: candidate c of round r uses noise (seed, r, c)", DefaultValueFactory = _ => 1 };
    public Option<int?> Steps { get; } = new("--steps") { Description = "sampler steps per trajectory (default: the model's)" };
    public Option<string?> Sampler { get; } = new("--sampler") { Description = "euler, heun or stochastic (default: the model's)" };
    public Option<double?> Cfg { get; } = new("--cfg") { Description = "classifier-free guidance scale (default: the model's)" };
    public Option<double?> TargetScore { get; } = new("--target-score") { Description = "adaptive budget (random, zero-order): stop once the best score reaches this" };
    public Option<int?> Patience { get; } = new("--patience") { Description = "adaptive budget (random, zero-order): stop after this many rounds without a better best score" };
    public Option<string?> Out { get; } = new("--out") { Description = "folder for the top-k PNGs, candidates.png and result.json (default: genplat-out/search-MODEL-SEED)" };

    /// <summary>One option per algorithm parameter name, shared by the algorithms that take a parameter of that name.</summary>
    public IReadOnlyList<(Option<string?> Option, string Parameter, IReadOnlyList<string> Algorithms)> Parameters { get; } =
        AlgorithmCatalog.Names
            .SelectMany(a => AlgorithmCatalog.Describe(a).Select(p => (Algorithm: a, Parameter: p)))
            .GroupBy(x => x.Parameter.Name)
            .Select(g =>
            {
                var first = g.First().Parameter;
                var algorithms = g.Select(x => x.Algorithm).ToArray();
                var described = string.Join("; ", g.Select(x => x.Parameter.Description).Distinct());
                var values = first.Kind switch
                {
                    "choice" => $" ({string.Join(" or ", first.Choices)})",
                    "list" => " (comma-separated)",
                    _ => "",
                };
                var defaults = string.Join(", ", g.Where(x => x.Parameter.Default.Length > 0).Select(x => $"{x.Algorithm} {x.Parameter.Default}").Distinct());
                var option = new Option<string?>("--" + first.Name)
                {
                    Description = $"[{string.Join(", ", algorithms)}] {described}{values}{(defaults.Length > 0 ? $"; default {defaults}" : "")}",
                };
                return (option, first.Name, (IReadOnlyList<string>)algorithms);
            })
            .ToArray();

    public IEnumerable<Option> All =>
    [
        Model, Class, Prompt, Algorithm, Verifier, Reported, Onnx, Budget, TopK, Seed, Steps, Sampler, Cfg, TargetScore, Patience, Out,
        .. Parameters.Select(p => p.Option),
    ];

    /// <summary>What a request to a running platform takes: all but the local ONNX verifier registration (the server registers its own).</summary>
    public IEnumerable<Option> Request => All.Where(o => o != Onnx);
}
