using GenerationPlatform.Api.V1;
using GenerationPlatform.Contracts;
using GenerationPlatform.Search;
using Grpc.Core;
using System.Security.Cryptography;
using GenerationPlatform.Core.Verifiers;

namespace GenerationPlatform.Api;

/// <summary>
/// The one place a request is checked (CONVENTIONS: errors at the edge). Every message starts with
/// the field's name as the proto spells it. Malformed: INVALID_ARGUMENT; well-formed but naming a
/// model, verifier or algorithm that is not served: NOT_FOUND.
/// </summary>
public static class RequestValidation
{
    public const string DefaultAlgorithm = "random";
    public const int DefaultTopK = 4;
    public const int DefaultSteps = 10;
    public const float DefaultGuidance = 1.5f;
    public const int JobIdLength = 36; // "job-" + 32 hex digits: 128 random bits
    public const int MaxFromIndex = 1_000_000;

    public static RpcException Invalid(string field, string problem) => new(new Status(StatusCode.InvalidArgument, $"{field}: {problem}"));

    public static RpcException NotFound(string field, string problem) => new(new Status(StatusCode.NotFound, $"{field}: {problem}"));

    /// <summary>A fresh job id: unguessable, so one tenant cannot probe for another's jobs.</summary>
    public static string NewJobId() => "job-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public static string JobId(string? jobId)
    {
        if (string.IsNullOrEmpty(jobId)) throw Invalid("job_id", "required");
        if (jobId.Length != JobIdLength || !jobId.StartsWith("job-", StringComparison.Ordinal) || !jobId.Skip(4).All(char.IsAsciiHexDigitLower))
            throw Invalid("job_id", $"not a job id (expected 'job-' and 32 lowercase hex digits, got {Quote(jobId)})");
        return jobId;
    }

    public static int FromIndex(int fromIndex) =>
        fromIndex is >= 0 and <= MaxFromIndex ? fromIndex : throw Invalid("from_index", $"must be between 0 and {MaxFromIndex} (got {fromIndex})");

    /// <summary>The job request for a validated GenerateRequest; throws an RpcException naming the first bad field.</summary>
    public static JobRequest ToJobRequest(GenerateRequest r, string tenant, RequestLimits limits, IServedCatalog catalog)
    {
        var model = Name(r.Model, "model", limits, required: true);
        if (r.Class.Length > 64) throw Invalid("class", $"at most 64 characters (got {r.Class.Length})");
        var prompt = Prompt(r.Prompt);
        if (prompt is not null && !string.IsNullOrWhiteSpace(r.Class)) throw Invalid("prompt", "give a class or a prompt, not both");
        // The condition must suit the model: a class of a class model, a prompt for a text model.
        var served = catalog.Describe(model!) ?? throw NotFound("model", $"no model {Quote(model)}; ListModels lists the served models");
        int label = -1;
        if (served.Conditioning.IsText)
        {
            if (prompt is null) throw Invalid(string.IsNullOrWhiteSpace(r.Class) ? "prompt" : "class",
                $"model {Quote(model)} is conditioned on text: give a prompt (at most {MaxPromptLength} characters), not a class");
        }
        else
        {
            if (prompt is not null) throw Invalid("prompt", $"model {Quote(model)} is conditioned on classes: give a class, not a prompt");
            var classes = served.Conditioning.ClassNames;
            if (string.IsNullOrWhiteSpace(r.Class)) throw Invalid("class", $"required: a class index 0-{classes.Count - 1} or a name such as {Quote(classes[^1])}");
            label = served.Conditioning.ParseClass(r.Class)
                ?? throw Invalid("class", $"unknown class {Quote(r.Class)}: use 0-{classes.Count - 1} or one of {string.Join(", ", classes.Take(20))}{(classes.Count > 20 ? ", ..." : "")}");
        }
        var algorithm = AlgorithmSpec(r.Algorithm, limits) ?? DefaultAlgorithm;
        var verifier = CanonicalVerifier(r.Verifier, "verifier", limits);
        if (r.ReportedVerifiers.Count > limits.MaxReportedVerifiers)
            throw Invalid("reported_verifiers", $"at most {limits.MaxReportedVerifiers} (got {r.ReportedVerifiers.Count})");
        var reported = new string[r.ReportedVerifiers.Count];
        for (int i = 0; i < reported.Length; i++)
        {
            reported[i] = CanonicalVerifier(r.ReportedVerifiers[i], $"reported_verifiers[{i}]", limits);
            if (Array.IndexOf(reported, reported[i], 0, i) >= 0) throw Invalid($"reported_verifiers[{i}]", $"{Quote(reported[i])} is listed twice");
        }

        var sampler = r.Sampler switch
        {
            V1.Sampler.Unspecified or V1.Sampler.Heun => Contracts.Sampler.Heun,
            V1.Sampler.Euler => Contracts.Sampler.Euler,
            V1.Sampler.Stochastic => Contracts.Sampler.Stochastic,
            _ => throw Invalid("sampler", $"unknown sampler {(int)r.Sampler}: use SAMPLER_EULER, SAMPLER_HEUN or SAMPLER_STOCHASTIC"),
        };
        int topK = r.HasTopK ? r.TopK : DefaultTopK;
        if (topK < 1 || topK > limits.MaxTopK) throw Invalid("top_k", $"must be between 1 and {limits.MaxTopK} (got {topK})");
        int steps = r.HasSteps ? r.Steps : DefaultSteps;
        if (steps < 1 || steps > limits.MaxSteps) throw Invalid("steps", $"must be between 1 and {limits.MaxSteps} (got {steps})");
        float guidance = r.HasGuidance ? r.Guidance : DefaultGuidance;
        if (!float.IsFinite(guidance) || guidance < 0 || guidance > limits.MaxGuidance)
            throw Invalid("guidance", $"must be between 0 and {limits.MaxGuidance} (got {guidance})");
        float eta = r.HasEta ? r.Eta : 0f;
        if (!float.IsFinite(eta) || eta < 0 || eta >= 1) throw Invalid("eta", $"must be in [0, 1) (got {eta})");
        if (eta != 0 && sampler != Contracts.Sampler.Stochastic) throw Invalid("eta", "applies only to SAMPLER_STOCHASTIC");
        ulong seed = r.HasSeed ? r.Seed : BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8));

        TimeSpan? deadline = null;
        if (r.Deadline is { } d)
        {
            if (d.Nanos is <= -1_000_000_000 or >= 1_000_000_000 || (d.Seconds > 0 && d.Nanos < 0) || (d.Seconds < 0 && d.Nanos > 0))
                throw Invalid("deadline", "not a valid duration");
            if (d.Seconds < 0 || (d.Seconds == 0 && d.Nanos <= 0)) throw Invalid("deadline", $"must be positive (got {d.Seconds}s {d.Nanos}ns)");
            if (d.Seconds > limits.MaxDeadline.TotalSeconds) throw Invalid("deadline", $"at most {limits.MaxDeadline.TotalSeconds} s (got {d.Seconds} s)");
            deadline = d.ToTimeSpan();
        }

        if (r.BudgetNfe <= 0) throw Invalid("budget_nfe", $"required and positive (got {r.BudgetNfe})");
        if (r.BudgetNfe > limits.MaxBudgetNfe) throw Invalid("budget_nfe", $"at most {limits.MaxBudgetNfe} (got {r.BudgetNfe})");
        double? target = r.HasTargetScore ? r.TargetScore : null;
        if (target is { } t && !double.IsFinite(t)) throw Invalid("target_score", $"must be a finite number (got {t})");
        int? patience = r.HasPatience ? r.Patience : null;
        if (patience is < 1 or > SearchLimits.MaxRounds) throw Invalid("patience", $"must be between 1 and {SearchLimits.MaxRounds} rounds (got {patience})");
        if (target is not null && VerifierNames.Members(verifier).Count > 0)
            throw Invalid("target_score", "an ensemble's scores are ranks within one call, not comparable with a target; use patience, or a single verifier");
        var search = new SearchRequest(label, guidance, seed, r.BudgetNfe, topK, (GenerationPlatform.Core.Sampling.SamplerKind)(int)sampler /* same values by design (Contracts.Sampler) */, steps, eta, prompt,
            TargetScore: target, Patience: patience);
        long floor = (long)topK * search.SampleNfe;
        if (r.BudgetNfe < floor)
            throw Invalid("budget_nfe", $"must cover at least top_k full samples: {topK} x {search.SampleNfe} = {floor} NFE (got {r.BudgetNfe})");

        // Well-formed; now what is served.
        string algorithmName;
        try { algorithmName = AlgorithmCatalog.NameOf(algorithm); }
        catch (ArgumentException e) { throw Invalid("algorithm", e.Message); }
        if (!AlgorithmCatalog.Names.Contains(algorithmName))
            throw NotFound("algorithm", $"no algorithm {Quote(algorithmName)}; known: {string.Join(", ", AlgorithmCatalog.Names)}");
        // Its parameters (known names, values of the right type, in their bounds) and what it will do with this budget.
        try { AlgorithmCatalog.Plan(algorithm, search); }
        catch (SearchPlanException e)
        {
            throw Invalid(e.Field switch
            {
                SearchPlanField.Budget => "budget_nfe",
                SearchPlanField.Steps => "steps",
                SearchPlanField.TopK => "top_k",
                SearchPlanField.TargetScore => "target_score",
                SearchPlanField.Patience => "patience",
                _ => "algorithm",
            }, e.Message);
        }
        if (Unserved(verifier, catalog) is { } missing) throw NotFound("verifier", $"no verifier {Quote(missing)}; ListVerifiers lists them");
        for (int i = 0; i < reported.Length; i++)
            if (Unserved(reported[i], catalog) is { } missingReported)
                throw NotFound($"reported_verifiers[{i}]", $"no verifier {Quote(missingReported)}; ListVerifiers lists them");

        return new JobRequest(tenant, model!, algorithm.ToLowerInvariant(), verifier, label, guidance, seed, r.BudgetNfe, topK, sampler, steps,
            sampler == Contracts.Sampler.Stochastic ? eta : 0f, deadline, reported.Length == 0 ? null : reported, prompt, target, patience);
    }

    /// <summary>The longest prompt a request may give.</summary>
    public const int MaxPromptLength = GenerationPlatform.Core.Text.PromptRules.MaxLength;

    /// <summary>A prompt (<see cref="GenerationPlatform.Core.Text.PromptRules"/>), trimmed; null when not given.</summary>
    private static string? Prompt(string? value) =>
        string.IsNullOrEmpty(value) ? null
        : GenerationPlatform.Core.Text.PromptRules.Problem(value) is { } problem ? throw Invalid("prompt", problem)
        : value.Trim();

    private static string? Name(string? value, string field, RequestLimits limits, bool required)
    {
        if (string.IsNullOrEmpty(value)) return required ? throw Invalid(field, "required") : null;
        if (value.Length > limits.MaxNameLength) throw Invalid(field, $"at most {limits.MaxNameLength} characters (got {value.Length})");
        if (!RequestLimits.IsName(value, limits.MaxNameLength))
            throw Invalid(field, $"{Quote(value)} may hold only letters, digits, '-', '_' and '.'");
        return value;
    }

    /// <summary>An algorithm, optionally with parameters: <c>paths</c> or <c>paths(backward-dt=0.45,renoisings=3)</c>; no spaces.</summary>
    private static string? AlgorithmSpec(string? value, RequestLimits limits)
    {
        if (string.IsNullOrEmpty(value)) return null;
        if (value.Length > limits.MaxNameLength) throw Invalid("algorithm", $"at most {limits.MaxNameLength} characters (got {value.Length})");
        if (!value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '(' or ')' or ',' or '=' or '[' or ']' or ';'))
            throw Invalid("algorithm", $"{Quote(value)} may hold only letters, digits, '-', '_', '.' and parameters as in paths(renoisings=3,t-start=0.6)");
        return value;
    }

    /// <summary>
    /// A verifier spec in its one spelling (<see cref="VerifierNames.Canonical"/>: lower case, no whitespace),
    /// which the job, its grains and its metric labels use: "Classifier " and "classifier" are the same verifier.
    /// </summary>
    private static string CanonicalVerifier(string? value, string field, RequestLimits limits)
    {
        if (string.IsNullOrWhiteSpace(value)) throw Invalid(field, "required");
        if (value.Length > limits.MaxNameLength) throw Invalid(field, $"at most {limits.MaxNameLength} characters (got {value.Length})");
        return VerifierNames.Canonical(value, out var problem)
            ?? throw Invalid(field, $"{Quote(value)} is not a verifier name or ensemble(a, b, ...) of them: {problem}");
    }

    /// <summary>The first base verifier of a canonical spec that the catalogue does not serve, or null.</summary>
    private static string? Unserved(string canonical, IServedCatalog catalog) =>
        VerifierNames.Members(canonical) is { Count: > 0 } members
            ? members.Select(m => Unserved(m, catalog)).FirstOrDefault(m => m is not null)
            : catalog.ServesVerifier(canonical) ? null : canonical;

    /// <summary>Echoes user input safely: truncated, control characters escaped.</summary>
    private static string Quote(string? s)
    {
        if (s is null) return "''";
        var shown = s.Length > 40 ? s[..40] + "..." : s;
        return "'" + new string(shown.Select(c => char.IsControl(c) ? '?' : c).ToArray()) + "'";
    }
}
