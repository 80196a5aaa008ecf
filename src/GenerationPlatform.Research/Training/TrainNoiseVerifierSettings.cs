using System.CommandLine;
using GenerationPlatform.Core.Sampling;
using GenerationPlatform.Evaluation;
using GenerationPlatform.Tools;
using GenerationPlatform.Verifiers.NoiseAware;

namespace GenerationPlatform.Research.Training;

/// <summary>train-noise-verifier's options, read and checked: the class model, how many trajectories of how many steps, the training and the files.</summary>
internal sealed record TrainNoiseVerifierSettings(string? Model, int PerClass, int Steps, float Guidance, int Epochs, ulong Seed, string Out, string? ReportPath)
{
    private const int MaxPerClass = 5_000;
    private const int MaxSteps = TrajectorySpec.MaxX0Captures + 1;

    /// <summary>
    /// Most examples (10 classes x per-class x steps) one run holds: each is 784 floats, kept in a few copies at once (the
    /// trajectories, the array, its tensor, the train/held-out split) plus the classifier's features: about 4 GB here.
    /// </summary>
    private const long MaxExamples = 250_000;

    private static readonly Option<string?> model = new("--model")
    {
        Description = "class model whose trajectories it learns (default: the shipped model; its ONNX export is faster on a CPU)",
    };
    private static readonly Option<int> perClass = new("--per-class") { Description = "trajectories per class", DefaultValueFactory = _ => 400 };
    private static readonly Option<int> steps = new("--steps") { Description = "Heun steps of a trajectory (captures at every grid time)", DefaultValueFactory = _ => 10 };
    private static readonly Option<double> guidance = new("--guidance")
    {
        Description = "classifier-free guidance of the trajectories (that of the searches the head will rank)", DefaultValueFactory = _ => CliModel.DefaultGuidance,
    };
    private static readonly Option<int> epochs = new("--epochs") { Description = "passes over the captured trajectories", DefaultValueFactory = _ => 8 };
    private static readonly Option<ulong> seed = new("--seed")
    {
        Description = "trajectory seeds (kept apart from evaluation seeds) and training seed", DefaultValueFactory = _ => 20_261_130,
    };
    private static readonly Option<string> output = new("--out")
    {
        Description = "weights file", DefaultValueFactory = _ => "src/GenerationPlatform.Verifiers/Weights/" + NoiseAwareFiles.FileName,
    };
    private static readonly Option<string?> report = new("--report") { Description = "also write the held-out agreement per time as JSON" };

    public static IReadOnlyList<Option> Options { get; } = [model, perClass, steps, guidance, epochs, seed, output, report];

    public static TrainNoiseVerifierSettings Parse(ParseResult p)
    {
        // Every example is held in memory (10 classes x per-class x steps images): both are bounded.
        int n = CliParsing.InRange(CliParsing.Positive(p.GetValue(perClass), "--per-class"), "--per-class", 1, MaxPerClass);
        int s = CliParsing.Positive(p.GetValue(steps), "--steps");
        if (s < 2 || s > MaxSteps) throw new CliArgumentException($"--steps: 2 to {MaxSteps}, so that a trajectory has an intermediate time and its captures fit one trajectory");
        int epochCount = CliParsing.Positive(p.GetValue(epochs), "--epochs");
        float w = (float)p.GetValue(guidance);
        if (!(w >= 0 && float.IsFinite(w))) throw new CliArgumentException("--guidance: a finite scale >= 0");
        var outPath = p.GetValue(output)!;
        CliParsing.EnsureWritable(outPath, "--out");
        var reportPath = p.GetValue(report);
        if (reportPath is not null) CliParsing.EnsureWritable(reportPath, "--report");
        if ((long)ModelEvaluation.ClassCount * n * s > MaxExamples)
            throw new CliArgumentException($"--per-class x --steps: {ModelEvaluation.ClassCount * (long)n * s:N0} examples (10 classes x per-class x steps) "
                + $"are more than the {MaxExamples:N0} one run holds in memory; lower either");
        return new TrainNoiseVerifierSettings(p.GetValue(model), n, s, w, epochCount, p.GetValue(seed), outPath, reportPath);
    }

    /// <summary>The grid times whose x0-predictions are captured: every time of the Heun grid between noise and the image.</summary>
    public float[] Times => Enumerable.Range(1, Steps - 1).Select(k => 1f - k / (float)Steps).ToArray();
}
