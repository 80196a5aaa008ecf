using GenerationPlatform.Diffusion.Checkpoints;

namespace GenerationPlatform.Verifiers.Classifier;

/// <summary>Where the shipped classifier and its feature statistics live, and how to load them.</summary>
public static class ClassifierFiles
{
    public const string WeightsFileName = "fashion-classifier.safetensors";
    public const string StatisticsFileName = "fashion-classifier-features.safetensors";

    public static string DefaultWeightsPath => Path.Combine(AppContext.BaseDirectory, "Weights", WeightsFileName);
    public static string DefaultStatisticsPath => Path.Combine(AppContext.BaseDirectory, "Weights", StatisticsFileName);

    public static FashionClassifier Load(string? path = null)
    {
        var model = new FashionClassifier();
        SafeTensors.LoadModule(path ?? DefaultWeightsPath, model);
        model.eval();
        return model;
    }
}
