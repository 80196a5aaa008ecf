using GenerationPlatform.Contracts;

namespace GenerationPlatform.Testing;

/// <summary>
/// Job specs as the edge would validate them, for tests that start jobs on grains directly: the analytic test models
/// ("gauss-*", "slow-*": 1x28x28, Fashion-MNIST's ten classes) and whatever algorithm and verifier the test names.
/// </summary>
public static class TestJobs
{
    public static readonly string[] FashionClasses =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    public static JobSpec Spec(string TenantId, string Model, string Algorithm, string Verifier, int Label, float Guidance, ulong Seed, long BudgetNfe,
        int TopK = 4, Sampler Sampler = Sampler.Heun, int Steps = 10, float Eta = 0f, TimeSpan? Deadline = null, string[]? ReportedVerifiers = null,
        string? Prompt = null, double? TargetScore = null, int? Patience = null)
    {
        var shape = new ImageDims(1, 28, 28);
        var model = new ModelSummary(Model, "an analytic test field", "analytic", shape, shape, FashionClasses, null, 0);
        int open = Algorithm.IndexOf('(');
        return new JobSpec(TenantId, model, Algorithm, open < 0 ? Algorithm : Algorithm[..open], Verifier, ReportedVerifiers ?? [], Label, Prompt, Guidance,
            Seed, BudgetNfe, TopK, Sampler, Steps, Eta, Deadline, TargetScore, Patience);
    }
}
