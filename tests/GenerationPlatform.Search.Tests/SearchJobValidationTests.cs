using GenerationPlatform.Core.Model;
using GenerationPlatform.Core.Sampling;
using GenerationPlatform.Core.Verifiers;
using GenerationPlatform.Search.Jobs;
using GenerationPlatform.Verifiers;

namespace GenerationPlatform.Search.Tests;

/// <summary>
/// The one validation the API and the CLI share: every field's problem names the field (as the contract spells it),
/// what is not served is NOT_FOUND, a verifier that cannot score the model's images is refused before any work, and
/// the model's own defaults fill what a request leaves out.
/// </summary>
public sealed class SearchJobValidationTests
{
    private static readonly string[] Fashion = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];
    private static readonly ImageShape Gray = new(1, 28, 28), Rgb = new(3, 28, 28);

    private static readonly ModelDescription ClassModel = new("fashion", "class model", "torchsharp", Gray, Gray, Conditioning.ForClasses(Fashion),
        DefaultSteps: 10, DefaultGuidance: 1.5f, ForwardFlops: 276_760_832);
    private static readonly ModelDescription TextModel = new("words", "text model", "torchsharp", Rgb, Rgb, Conditioning.ForText("all-MiniLM-L6-v2", 384),
        DefaultSampler: "euler", DefaultSteps: 12, DefaultGuidance: 2f, ForwardFlops: 278_698_240);
    private static readonly ModelDescription OtherClasses = new("coats", "three coats", "onnx", Rgb, Rgb, Conditioning.ForClasses(["red coat", "green coat", "blue coat"]),
        ForwardFlops: 1e9);

    private sealed class Catalog : ISearchJobCatalog
    {
        public IReadOnlyList<string> ModelNames => ["fashion", "words", "coats"];
        public ModelDescription? Model(string name) => new[] { ClassModel, TextModel, OtherClasses }.FirstOrDefault(m => m.Name == name);
        public IReadOnlyList<VerifierDescription> Verifiers { get; } = new ServedVerifiers(new OnnxVerifierRegistry
        {
            Onnx = { ["scorer"] = new OnnxVerifierSpec { Path = "s.onnx", Input = "x", Output = "y", FlopsPerImage = 5e6 } },
        }, noiseAwareHead: true).Verifiers;
    }

    private static SearchJobInput Class(string? verifier = "classifier", long budget = 400) =>
        new("fashion", "Sneaker", null, "random", verifier, [], budget, Seed: 1);

    private static SearchJobInput Prompt(string? verifier = null, long budget = 400) =>
        new("words", null, "a red dress", "random", verifier, [], budget, Seed: 1);

    private static SearchJobSpec Valid(SearchJobInput input) => SearchJobValidation.Validate(input, SearchJobLimits.Default, new Catalog());

    private static SearchJobException Refused(SearchJobInput input) =>
        Assert.Throws<SearchJobException>(() => SearchJobValidation.Validate(input, SearchJobLimits.Default, new Catalog()));

    public static TheoryData<string, SearchJobInput, string, bool> Problems() => new()
    {
        { "no model", Class() with { Model = null }, "model", false },
        { "a path as model", Class() with { Model = "../models/x" }, "model", false },
        { "unknown model", Class() with { Model = "nope" }, "model", true },
        { "class and prompt", Class() with { Prompt = "a shoe" }, "prompt", false },
        { "no class", Class() with { Class = null }, "class", false },
        { "unknown class", Class() with { Class = "Shoe" }, "class", false },
        { "class for a text model", Prompt() with { Prompt = null, Class = "Dress" }, "class", false },
        { "prompt for a class model", Class() with { Class = null, Prompt = "a shoe" }, "prompt", false },
        { "a control character in the prompt", Prompt() with { Prompt = "a red\u0007dress" }, "prompt", false },
        { "malformed algorithm", Class() with { Algorithm = "random(" }, "algorithm", false },
        { "unknown algorithm", Class() with { Algorithm = "annealing" }, "algorithm", true },
        { "algorithm parameter out of range", Class() with { Algorithm = "zero-order(cosine=1.5)" }, "algorithm", false },
        { "malformed verifier", Class("ensemble(classifier)"), "verifier", false },
        { "unknown verifier", Class("aesthetic"), "verifier", true },
        { "a class verifier for a text model", Prompt("classifier"), "verifier", false },
        { "a class verifier in an ensemble for a text model", Prompt("ensemble(text-align,class-gaussian)"), "verifier", false },
        { "a verifier of other classes", Class() with { Model = "coats", Class = "red coat" }, "verifier", false },
        { "a reported verifier that cannot score", Prompt() with { ReportedVerifiers = ["resnet-probe"] }, "reported_verifiers[0]", false },
        { "a reported verifier twice", Class() with { ReportedVerifiers = ["Class-Gaussian", "class-gaussian"] }, "reported_verifiers[1]", false },
        { "unknown reported verifier", Class() with { ReportedVerifiers = ["onnx:nope"] }, "reported_verifiers[0]", true },
        { "top-k 0", Class() with { TopK = 0 }, "top_k", false },
        { "top-k over the limit", Class() with { TopK = 17 }, "top_k", false },
        { "steps 0", Class() with { Steps = 0 }, "steps", false },
        { "guidance NaN", Class() with { Guidance = float.NaN }, "guidance", false },
        { "eta without the stochastic sampler", Class() with { Eta = 0.5f }, "eta", false },
        { "no budget", Class(budget: 0), "budget_nfe", false },
        { "budget over the limit", Class(budget: 100_001), "budget_nfe", false },
        { "budget below top-k samples", Class(budget: 20), "budget_nfe", false },
        { "a target with an ensemble", Class("ensemble(classifier,class-gaussian)") with { TargetScore = 0.9 }, "target_score", false },
        { "a target for particles", Class() with { Algorithm = "particles", TargetScore = 0.9 }, "target_score", false },
        { "patience 0", Class() with { Patience = 0 }, "patience", false },
        { "deadline over the limit", Class() with { Deadline = TimeSpan.FromHours(2) }, "deadline", false },
        { "noise-aware ranking without a head", Class("class-gaussian") with { Algorithm = "beam(ranking=noise-aware)" }, "algorithm", false },
    };

    [Theory]
    [MemberData(nameof(Problems))]
    public void EveryProblemNamesItsField(string @case, SearchJobInput input, string field, bool notFound)
    {
        var e = Refused(input);
        Assert.True(field == e.Field, $"{@case}: expected {field}, got {e.Field}: {e.Message}");
        Assert.Equal(notFound, e.NotFound);
    }

    [Fact]
    public void AlgorithmParametersAreNamedWhenTheyAreAtFault()
    {
        Assert.Equal("cosine", Refused(Class() with { Algorithm = "zero-order(cosine=1.5)" }).Parameter);
        Assert.Equal("ranking", Refused(Class("class-gaussian") with { Algorithm = "beam(ranking=noise-aware)" }).Parameter);
    }

    [Fact]
    public void UnknownNamesListWhatIsServed()
    {
        Assert.Contains("classifier, class-gaussian", Refused(Class("aesthetic")).Message);
        Assert.Contains("onnx:scorer", Refused(Class("aesthetic")).Message);
        Assert.Contains("random, zero-order", Refused(Class() with { Algorithm = "annealing" }).Message);
        Assert.Contains("fashion, words, coats", Refused(Class() with { Model = "nope" }).Message);
        // A verifier that cannot score says why, and which ones can.
        var message = Refused(Prompt("classifier")).Message;
        Assert.Contains("conditioned on prompts", message);
        Assert.Contains("text-align, attributes", message);
    }

    [Fact]
    public void AModelWithoutAVerifierGetsItsDefault()
    {
        Assert.Equal("classifier", Valid(Class(verifier: null)).Verifier);
        Assert.Equal("text-align", Valid(Prompt(verifier: null)).Verifier);
        // Three coats: no default suits it, so the request must name one, and is told which can.
        var e = Refused(new SearchJobInput("coats", "red coat", null, null, null, [], 400));
        Assert.Equal("verifier", e.Field);
        Assert.Contains("self-consistency", e.Message);
    }

    [Fact]
    public void TheModelsDefaultsFillWhatARequestLeavesOut()
    {
        var text = Valid(Prompt()).Request;
        Assert.Equal((SamplerKind.Euler, 12, 2f), (text.Sampler, text.Steps, text.Guidance));
        var classes = Valid(Class()).Request;
        Assert.Equal((SamplerKind.Heun, 10, 1.5f, 4), (classes.Sampler, classes.Steps, classes.Guidance, classes.TopK));
        Assert.Equal(-1, text.Label);
        Assert.Equal(7, classes.Label);
    }

    [Fact]
    public void AValidJobCarriesItsPlanCanonicalVerifiersAndWhatRan()
    {
        var job = Valid(Class("Ensemble( Classifier , class-gaussian )") with { Algorithm = "pruned(candidates=8)", ReportedVerifiers = ["Resnet-Probe", "classifier"] });
        Assert.Equal("ensemble(classifier,class-gaussian)", job.Verifier);
        Assert.Equal(["resnet-probe", "classifier"], job.ReportedVerifiers);
        Assert.Equal("pruned(keep=0.5,candidates=8,ranking=x0-prediction)", job.AlgorithmSpec);
        Assert.True(job.Plan.Nfe <= 400);
        Assert.Equal(3, job.Scopes.Count);
        Assert.True(job.Scopes[0].FlopsPerImage > job.Scopes[2].FlopsPerImage); // an ensemble costs its members together
    }

    [Fact]
    public void EverySeriesOfModelAndBaseVerifierIsAcceptedOrRefusedBeforeAnyWork()
    {
        var catalog = new Catalog();
        foreach (var model in new[] { ClassModel, TextModel, OtherClasses })
            foreach (var verifier in catalog.Verifiers)
            {
                var input = new SearchJobInput(model.Name, model.Conditioning.IsText ? null : model.Conditioning.ClassNames[0],
                    model.Conditioning.IsText ? "a red dress" : null, "random", verifier.Name, [], 400, Seed: 1);
                bool suits = verifier.Scope.Problem(model) is null;
                if (suits) Assert.Equal(verifier.Name, Valid(input).Verifier);
                else Assert.Equal("verifier", Refused(input).Field);
            }
    }

    [Fact]
    public void AJobPlansItsVerifiersCostInNfeEquivalentsOfItsModel()
    {
        var job = Valid(Class("classifier") with { ReportedVerifiers = ["resnet-probe"] });
        double flops = job.Plan.VerifiedImages * (job.Scopes[0].FlopsPerImage + job.Scopes[1].FlopsPerImage);
        Assert.Equal((long)Math.Ceiling(flops / ClassModel.ForwardFlops), job.VerifierNfe);
        Assert.InRange(job.VerifierNfe, 1, 4 * 400);
        // The noise-aware head's dearer score counts for a search that ranks x0-predictions with it.
        var pruned = Valid(Class("classifier") with { Algorithm = "pruned(candidates=8,ranking=noise-aware)" });
        Assert.Equal((long)Math.Ceiling(pruned.Plan.VerifiedImages * pruned.Scopes[0].NoisyFlops / ClassModel.ForwardFlops), pruned.VerifierNfe);
        // An ensemble may score the candidates once more, to rank them in one call.
        var ensemble = Valid(Class("ensemble(classifier,class-gaussian)"));
        Assert.Equal((long)Math.Ceiling((ensemble.Plan.VerifiedImages + ensemble.Plan.ScoredImages) * ensemble.Scopes[0].FlopsPerImage / ClassModel.ForwardFlops),
            ensemble.VerifierNfe);
    }

    [Fact]
    public void VerificationDearerThanTheLimitIsRefusedNamingTheVerifierThatCrossesIt()
    {
        // One step a sample: each 1-NFE image scored by ResNet-18 ensembles costs tens of NFE-equivalents.
        string[] ensembles =
        [
            "ensemble(resnet-probe,self-consistency)", "ensemble(resnet-probe,classifier)", "ensemble(self-consistency,classifier)",
            "ensemble(resnet-probe,class-gaussian)",
        ];
        var oneStep = Class(ensembles[0]) with { Steps = 1, Sampler = SamplerKind.Euler, ReportedVerifiers = ensembles[1..] };
        var refused = Refused(oneStep);
        Assert.Equal("verifier", refused.Field);
        Assert.Contains("over the limit of 4 x budget_nfe = 1600", refused.Message);

        // The optimized verifier alone fits; the reported ones take the sum past the limit, and the first that does is named.
        var cheapFirst = Class("classifier") with { Steps = 1, Sampler = SamplerKind.Euler, ReportedVerifiers = ["class-gaussian", "resnet-probe"] };
        Assert.Equal("reported_verifiers[1]", Refused(cheapFirst).Field);
        // A server may allow more.
        var generous = SearchJobLimits.Default with { MaxVerifierCostRatio = 100 };
        Assert.True(SearchJobValidation.Validate(cheapFirst, generous, new Catalog()).VerifierNfe > 4 * 400);
    }

    [Fact]
    public void ACostThatIsNotKnownCannotBeChargedAndIsRefused()
    {
        var unknownModel = ClassModel with { Name = "uncounted", ForwardFlops = 0 };
        var catalog = new UncountedCatalog(unknownModel);
        var e = Assert.Throws<SearchJobException>(() => SearchJobValidation.Validate(Class() with { Model = "uncounted" }, SearchJobLimits.Default, catalog));
        Assert.Equal(("model", true), (e.Field, e.Message.Contains("forward_flops", StringComparison.Ordinal)));
    }

    [Fact]
    public void AJobIsBoundedByBytesSoALargeModelIsAsSafeAsASmallOne()
    {
        // A 3x512x512 model: each state is 3 MiB, so counts that are harmless at 28x28 are gigabytes.
        var large = OtherClasses with { Name = "large", Shape = new ImageShape(3, 512, 512), ImageShape = new ImageShape(3, 512, 512) };
        var catalog = new UncountedCatalog(large);
        SearchJobInput Job(string algorithm, long budget) =>
            new SearchJobInput("large", "red coat", null, algorithm, "onnx:scorer", [], budget, Seed: 1) with { Steps = 1, Sampler = SamplerKind.Euler };

        // 512 candidates a round: one call of 1.5 GiB, over 256 MiB. The field at fault is the algorithm, with the most that fits.
        var call = Assert.Throws<SearchJobException>(() => SearchJobValidation.Validate(Job("random(candidates-per-round=512)", 5_120), SearchJobLimits.Default, catalog));
        Assert.Equal("algorithm", call.Field);
        Assert.Contains("1536 MiB, over the limit of 256 MiB", call.Message);
        Assert.Contains("at most 85", call.Message);
        // 1 000 kept candidates: 2.9 GiB of images, over 2 GiB; the same counts at 28x28 pass.
        var kept = Assert.Throws<SearchJobException>(() => SearchJobValidation.Validate(Job("random(candidates-per-round=16)", 1_000), SearchJobLimits.Default, catalog));
        Assert.Equal("budget_nfe", kept.Field);
        Assert.Contains("at most 682 images", kept.Message);
        Assert.NotNull(SearchJobValidation.Validate(Job("random(candidates-per-round=16)", 600), SearchJobLimits.Default, catalog));
        var small = new UncountedCatalog(OtherClasses with { Name = "large" });
        Assert.NotNull(SearchJobValidation.Validate(Job("random(candidates-per-round=512)", 10_000), SearchJobLimits.Default with { MaxBudgetNfe = 10_000 }, small));
    }

    private sealed class UncountedCatalog(ModelDescription model) : ISearchJobCatalog
    {
        public IReadOnlyList<string> ModelNames => [model.Name];
        public ModelDescription? Model(string name) => name == model.Name ? model : null;
        public IReadOnlyList<VerifierDescription> Verifiers { get; } = new Catalog().Verifiers;
    }
}
