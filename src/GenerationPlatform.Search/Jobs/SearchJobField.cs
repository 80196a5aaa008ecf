namespace GenerationPlatform.Search.Jobs;

/// <summary>The fields of a job request, named as the public contract (generation.v1.GenerateRequest) names them.</summary>
public static class SearchJobField
{
    public const string Model = "model";
    public const string Class = "class";
    public const string Prompt = "prompt";
    public const string Algorithm = "algorithm";
    public const string Verifier = "verifier";
    public const string ReportedVerifiers = "reported_verifiers";
    public const string BudgetNfe = "budget_nfe";
    public const string TopK = "top_k";
    public const string Sampler = "sampler";
    public const string Steps = "steps";
    public const string Guidance = "guidance";
    public const string Eta = "eta";
    public const string Deadline = "deadline";
    public const string TargetScore = "target_score";
    public const string Patience = "patience";
    public const string Previews = "previews";

    /// <summary>Item <paramref name="index"/> of a repeated field: <c>reported_verifiers[1]</c>.</summary>
    public static string Item(string field, int index) => $"{field}[{index}]";
}
