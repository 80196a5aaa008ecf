using System.Text.Json;
using GenerationPlatform.Tools;

namespace GenerationPlatform.Research.Training;

/// <summary>train-noise-verifier's outcome: the held-out agreement per time as a table, the weights' provenance, and (--report) the same as JSON.</summary>
internal sealed record TrainNoiseVerifierReport(string Provenance, RankAgreement[] PerTime, double FinalScoreMean, string Path, string? ReportPath)
{
    public void Write(TextWriter output)
    {
        output.WriteLine();
        output.WriteLine("| t | held-out trajectories | Spearman within a class: head | within a class: classifier on x0 | across classes: head | "
            + "across classes: classifier on x0 |");
        output.WriteLine("|---|---|---|---|---|---|");
        foreach (var r in PerTime)
            output.WriteLine($"| {r.Time:0.##} | {r.Trajectories} | {r.WithinClassNoiseAware:F3} | {r.WithinClassClassifierOnX0:F3} | {r.NoiseAware:F3} | {r.ClassifierOnX0:F3} |");
        output.WriteLine($"wrote {Path}: {Provenance}");
        if (ReportPath is not null) AtomicFile.Write(ReportPath, Json());
    }

    /// <summary>The JSON of --report (docs/results/noise-aware-training.json): the provenance, the mean final score, the agreement per time.</summary>
    private byte[] Json()
    {
        var rows = PerTime.Select(r => new
        {
            t = r.Time,
            trajectories = r.Trajectories,
            spearman_noise_aware = r.NoiseAware,
            spearman_classifier_on_x0 = r.ClassifierOnX0,
            within_class_spearman_noise_aware = r.WithinClassNoiseAware,
            within_class_spearman_classifier_on_x0 = r.WithinClassClassifierOnX0,
        });
        return JsonSerializer.SerializeToUtf8Bytes(new { provenance = Provenance, final_score_mean = FinalScoreMean, per_time = rows },
            new JsonSerializerOptions { WriteIndented = true });
    }
}
