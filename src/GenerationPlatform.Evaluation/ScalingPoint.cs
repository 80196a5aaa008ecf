namespace GenerationPlatform.Evaluation;

/// <summary>
/// One point of a curve: what was spent and how the images score against the test set. <paramref name="Fid"/>,
/// <paramref name="InceptionScore"/>, <paramref name="Precision"/>, <paramref name="Recall"/> and
/// <paramref name="ConditionalAccuracy"/> are measured with the verifiers' CNN (the metrics before issue 13, kept for
/// comparison); the Eval* ones with the evaluation classifier, which no verifier uses (NaN for points measured before
/// it existed). <paramref name="FdResNet"/> is the Fréchet distance in ResNet-18 features, NaN when not computed.
/// <paramref name="EvalWithinClassDistance"/> and <paramref name="PixelWithinClassDistance"/> are the set's diversity (the mean
/// distance between two images of one class, <see cref="WithinClassDistance"/>) in the evaluation classifier's features and in
/// pixels (NaN for points measured before they were recorded).
/// </summary>
public sealed record ScalingPoint(
    string Series, int ExtraCandidates, long BudgetNfe, double MeanTotalNfe, double MeanSearchNfe,
    double Fid, double InceptionScore, double Precision, double Recall, double ConditionalAccuracy,
    double MeanVerifierScore, int Images, double WallSeconds, double FdResNet = double.NaN,
    double EvalFid = double.NaN, double EvalInceptionScore = double.NaN, double EvalPrecision = double.NaN, double EvalRecall = double.NaN,
    double EvalAccuracy = double.NaN, double EvalWithinClassDistance = double.NaN, double PixelWithinClassDistance = double.NaN)
{
    /// <summary>Whether the evaluation classifier measured this point.</summary>
    public bool HasEvaluation => !double.IsNaN(EvalFid);
}
