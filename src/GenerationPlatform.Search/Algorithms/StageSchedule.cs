namespace GenerationPlatform.Search.Algorithms;

/// <summary>
/// What pruned and beam search share: points of the step schedule given as fractions, and how partial trajectories
/// are ranked there (on their x0-predictions, or by the verifier's noise-aware head).
/// </summary>
public static class StageSchedule
{
    /// <summary>Throws naming <paramref name="parameter"/> unless the fractions are 1 to MaxPruneStages increasing finite values in (0, 1).</summary>
    public static void Validate(double[] fractions, string parameter, string what)
    {
        if (fractions.Length is 0 or > SearchLimits.MaxPruneStages || fractions.Any(f => !(f > 0 && f < 1)) || fractions.Zip(fractions.Skip(1)).Any(p => p.Second <= p.First))
            throw new ArgumentOutOfRangeException(parameter, $"{what} must be 1 to {SearchLimits.MaxPruneStages} increasing finite fractions in (0, 1)");
    }

    /// <summary>Step indices of the fractions on the request's schedule (distinct, inside it).</summary>
    public static int[] Steps(double[] fractions, SearchRequest request) =>
        fractions.Select(f => (int)Math.Round(f * request.Steps)).Where(s => s > 0 && s < request.Steps).Distinct().ToArray();

    /// <summary>Noise-aware ranking needs a primary verifier with a noise-aware head: refused, naming the parameter, before anything is spent.</summary>
    public static void RequireHead(string algorithm, PruneRanking ranking, SearchContext context)
    {
        if (ranking == PruneRanking.NoiseAware && !context.Verifiers.Primary.RanksNoisyInputs)
            throw new SearchPlanException(SearchPlanField.AlgorithmParameter, "ranking", NoHeadMessage(algorithm, context.Verifiers.Primary.Name));
    }

    /// <summary>Why noise-aware ranking cannot run with a verifier (the grain says the same at submission).</summary>
    public static string NoHeadMessage(string algorithm, string verifier) =>
        $"algorithm '{algorithm}': parameter 'ranking' noise-aware needs a verifier with a noise-aware head; '{verifier}' has none (the classifier has)";

    /// <summary>What a verifier is asked to score for an x0-prediction: its time when the ranking is noise-aware, else as a finished image.</summary>
    public static GenerationPlatform.Core.Verifiers.VerifierInput RankingInput(SearchContext context, SearchRequest request, DenoiseOutcome outcome, PruneRanking ranking) =>
        context.Input(request, outcome.X0Predictions[^1].Image) with { Time = ranking == PruneRanking.NoiseAware ? outcome.X0Predictions[^1].Time : 0f };
}
