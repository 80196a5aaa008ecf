using GenerationPlatform.Diffusion.Checkpoints;
using GenerationPlatform.Verifiers.Classifier;

namespace GenerationPlatform.Evaluation;

/// <summary>
/// Where the evaluation classifier and its training-set feature statistics ship (Weights/ of the Evaluation
/// project, copied next to the application), and how to load them. Nothing in the verifier catalogue reads these
/// files: the verifiers' CNN is <c>Verifiers/Weights/fashion-classifier.safetensors</c>.
/// </summary>
public static class EvaluationClassifierFiles
{
    public const string WeightsFileName = "evaluation-classifier.safetensors";
    public const string StatisticsFileName = "evaluation-classifier-features.safetensors";

    public static string DefaultWeightsPath => Path.Combine(AppContext.BaseDirectory, "Weights", WeightsFileName);
    public static string DefaultStatisticsPath => Path.Combine(AppContext.BaseDirectory, "Weights", StatisticsFileName);

    public static EvaluationClassifier Load(string? path = null)
    {
        var model = new EvaluationClassifier();
        var meta = SafeTensors.LoadModule(path ?? DefaultWeightsPath, model);
        if (meta.TryGetValue("architecture", out var architecture) && architecture != EvaluationClassifier.Architecture)
            throw new CheckpointException($"{path ?? DefaultWeightsPath}: architecture '{architecture}', expected '{EvaluationClassifier.Architecture}'");
        model.eval();
        return model;
    }

    public static FeatureStatistics LoadStatistics(string? path = null) => FeatureStatistics.Load(path ?? DefaultStatisticsPath);
}
