using System.Text.Json;
using GenerationPlatform.Diffusion.Data;
using GenerationPlatform.Evaluation;
using GenerationPlatform.Tools;

namespace GenerationPlatform.Research.Scaling;

/// <summary>eval-model's figures: lines per guidance scale as measured, the table of every scale and classifier with the floors, and (--report) JSON.</summary>
internal sealed record EvalModelReport(EvalModelSettings Settings, IReadOnlyList<GenerationMetrics> Results, IReadOnlyDictionary<string, FidFloor> Floors)
{
    public static void WriteScale(TextWriter output, GenerationMetrics m, IReadOnlyDictionary<string, FidFloor> floors, int images)
    {
        float w = m.Settings.Guidance;
        foreach (var c in m.ByClassifier)
            output.WriteLine($"guidance {w}, {c.Classifier} classifier: FID {c.Fid:F3} ({c.Fid / floors[c.Classifier].Fid:F2}x the floor, "
                + $"{c.Fid / floors[c.Classifier].FidEqualN:F2}x at equal n), conditional accuracy {c.ConditionalAccuracy:P2}");
        output.WriteLine($"guidance {w}: {m.Nfe / images} NFE per image, {m.SamplingTime.TotalSeconds:F0} s");
    }

    public void Write(TextWriter output)
    {
        int images = Settings.Images;
        output.WriteLine();
        output.WriteLine("| guidance | sampler | steps (NFE) | images | classifier | FID | FID / floor | FID / floor at equal n | conditional accuracy |");
        output.WriteLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var m in Results)
            foreach (var c in m.ByClassifier)
                output.WriteLine($"| {m.Settings.Guidance} | {Settings.Sampler.ToString().ToLowerInvariant()} | {Settings.Steps} ({m.Nfe / images}) | {images} | "
                    + $"{c.Classifier} | {c.Fid:F3} | "
                    + $"{c.Fid / Floors[c.Classifier].Fid:F2} | {c.Fid / Floors[c.Classifier].FidEqualN:F2} | {c.ConditionalAccuracy:P2} |");
        foreach (var (name, f) in Floors)
        {
            output.WriteLine($"| training set | - | - | 60000 | {name} | {f.Fid:F3} | 1.00 | - | {f.TestAccuracy:P2} (classifier on the test set) |");
            output.WriteLine($"| training subset | - | - | {images} | {name} | {f.FidEqualN:F3} | {f.FidEqualN / f.Fid:F2} | 1.00 | - |");
        }
        if (Settings.ReportPath is { } path) AtomicFile.Write(path, JsonSerializer.SerializeToUtf8Bytes(Json(), new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>The --report JSON (docs/results/model-eval.json).</summary>
    private object Json() => new
    {
        metrics_classifier = "evaluation (Evaluation/Weights/evaluation-classifier.safetensors, used by no verifier); verifier_cnn: the verifiers' classifier, as before issue 13",
        evaluation_classifier_test_accuracy = Floors["evaluation"].TestAccuracy,
        fid_floor_train_vs_test = Floors["evaluation"].Fid,
        fid_floor_equal_n = Floors["evaluation"].FidEqualN,
        verifier_cnn = new
        {
            classifier_test_accuracy = Floors["verifier-cnn"].TestAccuracy,
            fid_floor_train_vs_test = Floors["verifier-cnn"].Fid,
            fid_floor_equal_n = Floors["verifier-cnn"].FidEqualN,
        },
        floor_equal_n_images = Settings.Images,
        per_class = Settings.PerClass,
        results = Results.Select(m => new
        {
            guidance = m.Settings.Guidance,
            sampler = m.Settings.Sampler.ToString().ToLowerInvariant(),
            steps = m.Settings.Steps,
            nfe_per_image = m.Nfe / Settings.Images,
            evaluation = Scores(m.ByClassifier[0]),
            verifier_cnn = Scores(m.ByClassifier[1]),
            sampling_seconds = m.SamplingTime.TotalSeconds,
        }),
    };

    private object Scores(ClassifierScores c) => new
    {
        fid = c.Fid,
        fid_over_floor = c.Fid / Floors[c.Classifier].Fid,
        fid_over_floor_equal_n = c.Fid / Floors[c.Classifier].FidEqualN,
        conditional_accuracy = c.ConditionalAccuracy,
        per_class_accuracy = FashionMnist.ClassNames.Zip(c.PerClassAccuracy).ToDictionary(x => x.First, x => x.Second),
    };
}
