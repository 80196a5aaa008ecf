using System.Security.Cryptography;
using GenerationPlatform.Core.Model;
using GenerationPlatform.Core.Sampling;
using GenerationPlatform.Core.Text;
using GenerationPlatform.Core.Verifiers;
using F = GenerationPlatform.Search.Jobs.SearchJobField;

namespace GenerationPlatform.Search.Jobs;

/// <summary>
/// The one place that decides whether a job can run: the model, its condition, the algorithm with its parameters and
/// what it will do with the budget, the verifiers and whether they can score the model's images, every number within
/// <see cref="SearchJobLimits"/>. The API and the CLI both call it, so they cannot disagree; its answer
/// (<see cref="SearchJobSpec"/>) is trusted by whoever runs the job. Checks run in the order of the contract's fields,
/// so a request with several problems hears of the first.
/// </summary>
public static class SearchJobValidation
{
    public const string DefaultAlgorithm = "random";
    public const int DefaultTopK = 4;

    /// <summary>The verifiers a model gets when a request names none, in order of preference (the first that suits it).</summary>
    public static IReadOnlyList<string> DefaultVerifiers { get; } = ["classifier", "text-align"];

    /// <summary>The checked job; throws <see cref="SearchJobException"/> naming the first field at fault.</summary>
    public static SearchJobSpec Validate(SearchJobInput input, SearchJobLimits limits, ISearchJobCatalog catalog)
    {
        var modelName = Name(input.Model, F.Model, limits) ?? throw Invalid(F.Model, "required");
        if (input.Class is { Length: > SearchJobLimits.MaxClassLength } longClass)
            throw Invalid(F.Class, $"at most {SearchJobLimits.MaxClassLength} characters (got {longClass.Length})");
        var prompt = Prompt(input.Prompt);
        bool hasClass = !string.IsNullOrWhiteSpace(input.Class);
        if (prompt is not null && hasClass) throw Invalid(F.Prompt, "give a class or a prompt, not both");
        var model = catalog.Model(modelName) ?? throw NotFound(F.Model, $"no model {Quote(modelName)}; served: {string.Join(", ", catalog.ModelNames)}");
        int label = Label(model, input.Class, prompt);
        var algorithm = AlgorithmText(input.Algorithm, limits) ?? DefaultAlgorithm;
        var verifiers = Verifiers(input, limits, model, catalog);
        var request = Request(input, limits, model, label, prompt, verifiers[0]);
        var deadline = Deadline(input.Deadline, limits);
        var (search, plan) = Plan(algorithm, request);
        Bytes(plan, model, limits);
        var scopes = Scopes(verifiers, model, catalog);
        if (search.RanksNoisyInputs && !scopes[0].RanksNoisyInputs)
            throw new SearchJobException(F.Algorithm, Algorithms.StageSchedule.NoHeadMessage(search.Name, verifiers[0]), parameter: "ranking");
        long verifierNfe = VerifierNfe(plan, search.RanksNoisyInputs, verifiers, scopes, model, limits, request.BudgetNfe);
        int previews = input.Previews ?? 0;
        if (previews is < 0 or > SearchJobLimits.MaxPreviews) throw Invalid(F.Previews, $"must be between 0 and {SearchJobLimits.MaxPreviews} (got {previews})");
        return new SearchJobSpec(model, AlgorithmCatalog.SpecOf(search), search, plan, verifiers, scopes, request, deadline, verifierNfe, previews);
    }

    /// <summary>The verifier a model gets when a request names none; null when no served default suits it.</summary>
    public static string? DefaultVerifier(ModelDescription model, ISearchJobCatalog catalog) =>
        DefaultVerifiers.FirstOrDefault(name => catalog.Verifier(name) is { } served && served.Scope.Problem(model) is null);

    /// <summary>What a served verifier spec (a base name or an ensemble of them) can score and costs; null when a member is not served.</summary>
    public static VerifierScope? ScopeOf(string canonical, ISearchJobCatalog catalog)
    {
        var members = VerifierNames.Members(canonical);
        if (members.Count == 0) return catalog.Verifier(canonical)?.Scope;
        var scopes = members.Select(m => ScopeOf(m, catalog)).ToArray();
        return scopes.Any(s => s is null) ? null : VerifierScope.Ensemble(scopes!);
    }

    private static int Label(ModelDescription model, string? classText, string? prompt)
    {
        bool hasClass = !string.IsNullOrWhiteSpace(classText);
        if (model.Conditioning.IsText)
        {
            if (prompt is null) throw Invalid(hasClass ? F.Class : F.Prompt,
                $"model {Quote(model.Name)} is conditioned on text: give a prompt (at most {PromptRules.MaxLength} characters), not a class");
            return -1;
        }
        if (prompt is not null) throw Invalid(F.Prompt, $"model {Quote(model.Name)} is conditioned on classes: give a class, not a prompt");
        var classes = model.Conditioning.ClassNames;
        if (!hasClass) throw Invalid(F.Class, $"required: a class index 0-{classes.Count - 1} or a name such as {Quote(classes[^1])}");
        return model.Conditioning.ParseClass(classText!)
            ?? throw Invalid(F.Class,
                $"unknown class {Quote(classText)}: use 0-{classes.Count - 1} or one of {string.Join(", ", classes.Take(20))}{(classes.Count > 20 ? ", ..." : "")}");
    }

    /// <summary>The optimized verifier (the model's default when none is named) and the reported ones, canonical and distinct.</summary>
    private static string[] Verifiers(SearchJobInput input, SearchJobLimits limits, ModelDescription model, ISearchJobCatalog catalog)
    {
        string primary;
        if (string.IsNullOrWhiteSpace(input.Verifier))
            primary = DefaultVerifier(model, catalog) ?? throw Invalid(F.Verifier,
                $"required: model {Quote(model.Name)} has no default verifier; ones that can score its images: {Suitable(model, catalog)}");
        else primary = Canonical(input.Verifier, F.Verifier, limits, catalog);
        var reported = input.ReportedVerifiers ?? [];
        if (reported.Count > limits.MaxReportedVerifiers)
            throw Invalid(F.ReportedVerifiers, $"at most {limits.MaxReportedVerifiers} (got {reported.Count})");
        var all = new string[reported.Count + 1];
        all[0] = primary;
        for (int i = 0; i < reported.Count; i++)
        {
            var field = F.Item(F.ReportedVerifiers, i);
            if (string.IsNullOrWhiteSpace(reported[i])) throw Invalid(field, "required");
            all[i + 1] = Canonical(reported[i], field, limits, catalog);
            if (Array.IndexOf(all, all[i + 1], 1, i) >= 0) throw Invalid(field, $"{Quote(all[i + 1])} is listed twice");
        }
        return all.Distinct(StringComparer.Ordinal).ToArray();
    }

    private static SearchRequest Request(SearchJobInput input, SearchJobLimits limits, ModelDescription model, int label, string? prompt, string verifier)
    {
        var sampler = input.Sampler ?? ParseSampler(model.DefaultSampler);
        int topK = input.TopK ?? DefaultTopK;
        if (topK < 1 || topK > limits.MaxTopK) throw Invalid(F.TopK, $"must be between 1 and {limits.MaxTopK} (got {topK})");
        int steps = input.Steps ?? model.DefaultSteps;
        if (steps < 1 || steps > limits.MaxSteps) throw Invalid(F.Steps, $"must be between 1 and {limits.MaxSteps} (got {steps})");
        float guidance = input.Guidance ?? model.DefaultGuidance;
        if (!float.IsFinite(guidance) || guidance < 0 || guidance > limits.MaxGuidance)
            throw Invalid(F.Guidance, $"must be between 0 and {limits.MaxGuidance} (got {guidance})");
        float eta = input.Eta ?? 0f;
        if (!float.IsFinite(eta) || eta < 0 || eta >= 1) throw Invalid(F.Eta, $"must be in [0, 1) (got {eta})");
        if (eta != 0 && sampler != SamplerKind.Stochastic) throw Invalid(F.Eta, "applies only to the stochastic sampler");
        ulong seed = input.Seed ?? BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8));
        long budget = input.BudgetNfe;
        if (budget <= 0) throw Invalid(F.BudgetNfe, $"required and positive (got {budget})");
        if (budget > limits.MaxBudgetNfe) throw Invalid(F.BudgetNfe, $"at most {limits.MaxBudgetNfe} (got {budget})");
        if (input.TargetScore is { } t && !double.IsFinite(t)) throw Invalid(F.TargetScore, $"must be a finite number (got {t})");
        if (input.Patience is < 1 or > SearchLimits.MaxRounds)
            throw Invalid(F.Patience, $"must be between 1 and {SearchLimits.MaxRounds} rounds (got {input.Patience})");
        if (input.TargetScore is not null && VerifierNames.Members(verifier).Count > 0)
            throw Invalid(F.TargetScore, "an ensemble's scores are ranks within one call, not comparable with a target; use patience, or a single verifier");
        var request = new SearchRequest(label, guidance, seed, budget, topK, sampler, steps, sampler == SamplerKind.Stochastic ? eta : 0f, prompt,
            TargetScore: input.TargetScore, Patience: input.Patience);
        long floor = (long)topK * request.SampleNfe;
        if (budget < floor) throw Invalid(F.BudgetNfe, $"must cover at least top_k full samples: {topK} x {request.SampleNfe} = {floor} NFE (got {budget})");
        return request;
    }

    private static TimeSpan? Deadline(TimeSpan? deadline, SearchJobLimits limits)
    {
        if (deadline is not { } d) return null;
        if (d <= TimeSpan.Zero) throw Invalid(F.Deadline, $"must be positive (got {d.TotalSeconds} s)");
        if (d > limits.DeadlineLimit) throw Invalid(F.Deadline, $"at most {limits.DeadlineLimit.TotalSeconds} s (got {d.TotalSeconds} s)");
        return d;
    }

    /// <summary>The algorithm with its parameters and what it will do with this request's budget.</summary>
    private static (ISearchAlgorithm, SearchPlan) Plan(string algorithm, SearchRequest request)
    {
        try
        {
            return AlgorithmCatalog.Plan(algorithm, request);
        }
        catch (SearchPlanException e)
        {
            var name = NameOf(algorithm);
            bool unknown = e.Field == SearchPlanField.Algorithm && name is not null && !AlgorithmCatalog.Names.Contains(name);
            throw new SearchJobException(e.Field switch
            {
                SearchPlanField.Budget => F.BudgetNfe,
                SearchPlanField.Steps => F.Steps,
                SearchPlanField.TopK => F.TopK,
                SearchPlanField.TargetScore => F.TargetScore,
                SearchPlanField.Patience => F.Patience,
                _ => F.Algorithm,
            }, unknown ? $"no algorithm {Quote(name)}; known: {string.Join(", ", AlgorithmCatalog.Names)}" : e.Message,
                notFound: unknown, parameter: e.Parameter, inner: e);
        }
    }

    /// <summary>The algorithm's name when the spec is well formed; null when it is not.</summary>
    private static string? NameOf(string algorithm)
    {
        try { return AlgorithmCatalog.NameOf(algorithm); }
        catch (SearchPlanException) { return null; }
    }

    /// <summary>
    /// The most the job's verifiers can cost, in NFE-equivalents of its model (every image the plan sends them, by every
    /// verifier, at the dearer of its plain and noisy cost when the search ranks x0-predictions), within the limit
    /// (<see cref="SearchJobLimits.MaxVerifierCostRatio"/> x the budget): over it, the first verifier that takes the sum past
    /// it is named. A cost that is not known cannot be charged: refused.
    /// </summary>
    private static long VerifierNfe(SearchPlan plan, bool ranksNoisy, string[] verifiers, VerifierScope[] scopes, ModelDescription model, SearchJobLimits limits,
        long budget)
    {
        if (!(model.ForwardFlops > 0))
            throw Invalid(F.Model, $"model {Quote(model.Name)} states no FLOPs per NFE (forward_flops), so its verifiers' compute cannot be charged");
        double limit = limits.VerifierCostLimit(budget), flops = 0;
        // An ensemble's scores are ranks within one call: a search may score its candidates once more to rank them together.
        long images = plan.VerifiedImagesWith(batchRelative: VerifierNames.Members(verifiers[0]).Count > 0);
        for (int i = 0; i < verifiers.Length; i++)
        {
            var field = i == 0 ? F.Verifier : F.Item(F.ReportedVerifiers, i - 1);
            double perImage = ranksNoisy ? Math.Max(scopes[i].FlopsPerImage, scopes[i].NoisyFlops) : scopes[i].FlopsPerImage;
            if (!(perImage > 0)) throw Invalid(field, $"{Quote(verifiers[i])} states no FLOPs per image, so its compute cannot be charged");
            flops += images * perImage;
            double nfe = flops / model.ForwardFlops;
            if (nfe > limit)
                throw Invalid(field, $"scoring {images} images with {string.Join(", ", verifiers.Take(i + 1).Select(Quote))} costs " +
                    $"{Math.Ceiling(nfe):F0} NFE-equivalents of model {Quote(model.Name)}, over the limit of {limits.MaxVerifierCostRatio:0.##} x budget_nfe = " +
                    $"{limit:F0}: use cheaper or fewer verifiers, more NFE per sample (steps) or fewer candidates");
        }
        return NfeEquivalents.Of(flops, model.ForwardFlops);
    }

    /// <summary>
    /// The plan's memory, by bytes rather than counts (a 3x512x512 model's state is 4 000 times a 28x28 one's): its largest
    /// denoise call within <see cref="SearchJobLimits.MaxCallBytes"/>, the images it keeps within
    /// <see cref="SearchJobLimits.MaxKeptImageBytes"/>.
    /// </summary>
    private static void Bytes(SearchPlan plan, ModelDescription model, SearchJobLimits limits)
    {
        long state = 4L * model.Shape.Size, image = 4L * model.ImageShape.Size;
        long call = plan.LargestCall * state, kept = plan.ScoredImages * image;
        if (call > limits.MaxCallBytes)
            throw Invalid(F.Algorithm, $"its largest denoise call carries {plan.LargestCall} states of model {Quote(model.Name)} ({model.Shape} floats): " +
                $"{Mib(call)} MiB, over the limit of {Mib(limits.MaxCallBytes)} MiB: use fewer candidates, particles or paths per round " +
                $"(at most {limits.MaxCallBytes / state})");
        if (kept > limits.MaxKeptImageBytes)
            throw Invalid(F.BudgetNfe, $"the search keeps {plan.ScoredImages} images of model {Quote(model.Name)} ({model.ImageShape} floats): " +
                $"{Mib(kept)} MiB, over the limit of {Mib(limits.MaxKeptImageBytes)} MiB: use a smaller budget_nfe or more steps per sample " +
                $"(at most {limits.MaxKeptImageBytes / image} images)");
    }

    private static string Mib(long bytes) => (bytes / (1024.0 * 1024)).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>What each verifier can score, checked against the model: served, and able to score its images.</summary>
    private static VerifierScope[] Scopes(string[] verifiers, ModelDescription model, ISearchJobCatalog catalog)
    {
        var scopes = new VerifierScope[verifiers.Length];
        for (int i = 0; i < verifiers.Length; i++)
        {
            var field = i == 0 ? F.Verifier : F.Item(F.ReportedVerifiers, i - 1);
            scopes[i] = ScopeOf(verifiers[i], catalog)
                ?? throw NotFound(field,
                    $"no verifier {Quote(Unserved(verifiers[i], catalog))}; served: {string.Join(", ", catalog.Verifiers.Select(v => v.Name))}, ensemble(a,b,...)");
            if (scopes[i].Problem(model) is { } problem)
                throw Invalid(field, $"{Quote(verifiers[i])} cannot score model {Quote(model.Name)}'s images: {problem}; ones that can: {Suitable(model, catalog)}");
        }
        return scopes;
    }

    private static string Unserved(string canonical, ISearchJobCatalog catalog) =>
        VerifierNames.Members(canonical) is { Count: > 0 } members
            ? members.Select(m => ScopeOf(m, catalog) is null ? Unserved(m, catalog) : null).First(m => m is not null)!
            : canonical;

    private static string Suitable(ModelDescription model, ISearchJobCatalog catalog) =>
        catalog.Verifiers.Where(v => v.Scope.Problem(model) is null).Select(v => v.Name).ToArray() is { Length: > 0 } names
            ? string.Join(", ", names) : "none is served";

    private static SamplerKind ParseSampler(string name) => name switch
    {
        "euler" => SamplerKind.Euler,
        "stochastic" => SamplerKind.Stochastic,
        _ => SamplerKind.Heun,
    };

    /// <summary>A prompt (<see cref="PromptRules"/>), trimmed; null when not given.</summary>
    private static string? Prompt(string? value) =>
        string.IsNullOrEmpty(value) ? null
        : PromptRules.Problem(value) is { } problem ? throw Invalid(F.Prompt, problem)
        : value.Trim();

    private static string? Name(string? value, string field, SearchJobLimits limits)
    {
        if (string.IsNullOrEmpty(value)) return null;
        if (value.Length > limits.MaxNameLength) throw Invalid(field, $"at most {limits.MaxNameLength} characters (got {value.Length})");
        if (!value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            throw Invalid(field, $"{Quote(value)} may hold only letters, digits, '-', '_' and '.'");
        return value;
    }

    /// <summary>An algorithm, optionally with parameters: <c>paths</c> or <c>paths(backward-dt=0.45,renoisings=3)</c>; no spaces.</summary>
    private static string? AlgorithmText(string? value, SearchJobLimits limits)
    {
        if (string.IsNullOrEmpty(value)) return null;
        if (value.Length > limits.MaxNameLength) throw Invalid(F.Algorithm, $"at most {limits.MaxNameLength} characters (got {value.Length})");
        if (!value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '(' or ')' or ',' or '=' or '[' or ']' or ';'))
            throw Invalid(F.Algorithm, $"{Quote(value)} may hold only letters, digits, '-', '_', '.' and parameters as in paths(renoisings=3,t-start=0.6)");
        return value;
    }

    /// <summary>
    /// A verifier spec in its one spelling (<see cref="VerifierNames.Canonical"/>: lower case, no whitespace), which the
    /// job, its grains and its metric labels use: "Classifier " and "classifier" are the same verifier.
    /// </summary>
    private static string Canonical(string value, string field, SearchJobLimits limits, ISearchJobCatalog catalog)
    {
        if (value.Length > limits.MaxNameLength) throw Invalid(field, $"at most {limits.MaxNameLength} characters (got {value.Length})");
        return VerifierNames.Canonical(value, out var problem)
            ?? throw Invalid(field, $"{Quote(value)} is not a verifier name or ensemble(a, b, ...) of them: {problem}; " +
                $"served: {string.Join(", ", catalog.Verifiers.Select(v => v.Name))}");
    }

    private static SearchJobException Invalid(string field, string message) => new(field, message);

    private static SearchJobException NotFound(string field, string message) => new(field, message, notFound: true);

    /// <summary>Echoes user input safely: truncated, control characters escaped.</summary>
    public static string Quote(string? s)
    {
        if (s is null) return "''";
        var shown = s.Length > 40 ? s[..40] + "..." : s;
        return "'" + new string(shown.Select(c => char.IsControl(c) ? '?' : c).ToArray()) + "'";
    }
}
