using System.CommandLine;
using GenerationPlatform.Core.Sampling;
using GenerationPlatform.Core.Verifiers;
using GenerationPlatform.Search;
using GenerationPlatform.Search.Jobs;
using GenerationPlatform.Tools;

namespace GenerationPlatform.Cli.Commands;

/// <summary>
/// What <c>genplat search</c> was asked, read from its options in one place: the job (as <see cref="SearchJobValidation"/>
/// reads it, the same as the API's requests; the model is named once it is open), where to write, and which algorithm
/// parameters were given explicitly.
/// </summary>
internal sealed record SearchSettings(string? Model, SearchJobInput Job, string? Out, IReadOnlyDictionary<string, OnnxVerifierSpec> Onnx,
    IReadOnlySet<string> GivenParameters)
{
    /// <summary>Whether --seed was given (a local search defaults to seed 1; a submitted job without one gets a random seed from the server).</summary>
    public bool SeedGiven { get; init; }

    public static SearchSettings Parse(ParseResult p, SearchOptions o)
    {
        var algorithm = p.GetValue(o.Algorithm)!.Trim().ToLowerInvariant();
        if (!AlgorithmCatalog.Names.Contains(algorithm))
            throw new CliArgumentException($"--algorithm: unknown algorithm '{algorithm}'; use {string.Join(", ", AlgorithmCatalog.Names)}");
        var given = new List<(string Name, string Value)>();
        foreach (var (option, parameter, algorithms) in o.Parameters)
        {
            if (p.GetResult(option) is not { Implicit: false }) continue;
            if (!algorithms.Contains(algorithm))
                throw new CliArgumentException($"{option.Name}: applies to {string.Join(" and ", algorithms)}, not to {algorithm}");
            given.Add((parameter, SpecValue(p.GetValue(option) ?? "", option.Name)));
        }
        var spec = given.Count == 0 ? algorithm : $"{algorithm}({string.Join(",", given.Select(g => $"{g.Name}={g.Value}"))})";
        var job = new SearchJobInput(null, p.GetValue(o.Class), p.GetValue(o.Prompt), spec, p.GetValue(o.Verifier),
            p.GetValue(o.Reported) ?? [], p.GetValue(o.Budget), p.GetValue(o.TopK), Sampler(p.GetValue(o.Sampler)), p.GetValue(o.Steps),
            p.GetValue(o.Cfg) is { } cfg ? (float)cfg : null, Seed: p.GetValue(o.Seed), TargetScore: p.GetValue(o.TargetScore), Patience: p.GetValue(o.Patience));
        var onnx = p.GetResult(o.Onnx) is null ? new Dictionary<string, OnnxVerifierSpec>() : OnnxVerifierOption.Parse(p.GetValue(o.Onnx));
        return new SearchSettings(p.GetValue(o.Model), job, p.GetValue(o.Out), onnx,
            given.Select(g => g.Name).ToHashSet(StringComparer.Ordinal))
        { SeedGiven = p.GetResult(o.Seed) is { Implicit: false } };
    }

    /// <summary>The option that a validation problem is about, as this command spells it.</summary>
    public string OptionFor(SearchJobException e) => e.Field switch
    {
        SearchJobField.Algorithm when e.Parameter is { } parameter && GivenParameters.Contains(parameter) => "--" + parameter,
        SearchJobField.Guidance => "--cfg",
        SearchJobField.Eta => "--sampler",
        _ when e.Field.StartsWith(SearchJobField.ReportedVerifiers, StringComparison.Ordinal) => "--report-verifier",
        _ => "--" + e.Field.Replace('_', '-'),
    };

    /// <summary>A parameter value as an algorithm spec writes it: a comma-separated list becomes [a;b].</summary>
    private static string SpecValue(string value, string option)
    {
        var trimmed = value.Trim();
        if (trimmed.Length == 0 || !trimmed.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ',' or '+'))
            throw new CliArgumentException($"{option}: '{value}' is not a value (a number, a name, or numbers separated by commas)");
        return trimmed.Contains(',') ? "[" + trimmed.Replace(',', ';') + "]" : trimmed;
    }

    private static SamplerKind? Sampler(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        null => null,
        "euler" => SamplerKind.Euler,
        "heun" => SamplerKind.Heun,
        "stochastic" => SamplerKind.Stochastic,
        _ => throw new CliArgumentException($"--sampler: unknown sampler '{text}'; use euler, heun or stochastic"),
    };
}
