namespace GenerationPlatform.Evaluation;

/// <summary>
/// One image of a point: its seed and requested class (shared by every series at the same index, so points pair
/// image by image), what it cost, the searched verifier's score (NaN for the steps baseline), the verifiers' CNN's
/// p(class) and class-Gaussian log-density (cheap, so recorded for every series, the steps baseline included), and the
/// evaluation classifier's prediction and p(requested class).
/// </summary>
public sealed record ImageRecord(
    string Series, int ExtraCandidates, int Index, ulong Seed, int Label, long Nfe, long SearchNfe,
    double VerifierScore, double ClassifierScore, double ClassGaussianScore, int EvalPredicted, double EvalProbability)
{
    public bool EvalCorrect => EvalPredicted == Label;
}
