using GenerationPlatform.Verifiers.NoiseAware;

namespace GenerationPlatform.Research.Training;

/// <summary>
/// Held-out agreement at one time: the head's predictions and the plain classifier on the same x0-predictions, each against
/// the finished images' scores (Spearman): across all held-out trajectories (which rewards knowing which classes score low)
/// and within one class (what a request's candidates are; Spearman per class, averaged over the classes).
/// </summary>
internal sealed record RankAgreement(float Time, int Trajectories, double NoiseAware, double ClassifierOnX0, double WithinClassNoiseAware, double WithinClassClassifierOnX0)
{
    /// <summary>The agreement per capture time and at t = 0 of the weights as shipped, on the held-out examples.</summary>
    public static RankAgreement[] Measure(NoiseAwareRanker shipped, NoiseAwareExamples holdout, float[] times)
    {
        using var predicted = NoiseAwareTrainer.Predict(shipped, holdout);
        var head = predicted.data<float>().Select(v => (double)v).ToArray();
        var holdTimes = holdout.Times.data<float>().ToArray();
        var holdTargets = holdout.Targets.data<float>().Select(v => (double)v).ToArray();
        var holdLabels = holdout.Labels.data<long>().ToArray();
        var baseline = holdout.ClassifierLogOdds.data<float>().Select(v => 1.0 / (1.0 + Math.Exp(-v))).ToArray();
        return times.Append(0f).Select(time =>
        {
            var idx = Enumerable.Range(0, holdTimes.Length).Where(i => holdTimes[i] == time).ToArray();
            var byClass = idx.GroupBy(i => holdLabels[i]).Select(g => g.Select(i => (long)i).ToArray()).ToArray();
            var targets = idx.Select(i => holdTargets[i]).ToArray();
            return new RankAgreement(time, idx.Length,
                NoiseAwareTrainer.Spearman(idx.Select(i => head[i]).ToArray(), targets),
                NoiseAwareTrainer.Spearman(idx.Select(i => baseline[i]).ToArray(), targets),
                NoiseAwareTrainer.WithinGroupSpearman(byClass, head, holdTargets),
                NoiseAwareTrainer.WithinGroupSpearman(byClass, baseline, holdTargets));
        }).ToArray();
    }
}
