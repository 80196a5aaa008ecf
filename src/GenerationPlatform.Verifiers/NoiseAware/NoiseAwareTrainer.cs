using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace GenerationPlatform.Verifiers.NoiseAware;

/// <summary>
/// Fits <see cref="NoiseAwareRanker"/> to rank candidates of one request as their finished images' verifier scores will:
/// every batch is made of groups of one class at one time (the candidates a search compares), and the loss is RankNet's
/// between every two members of a group (the predicted log-odds' difference against the soft target
/// sigmoid(logit y_i - logit y_j) of their final scores), plus a small binary cross-entropy that keeps the predictions
/// calibrated. AdamW with a cosine schedule. The head starts as the classifier on x0-predictions (its correction is zero).
/// </summary>
public static class NoiseAwareTrainer
{
    /// <summary>The time bucket of a ranking group: tenths of the time axis (grid times of one schedule fall in one each).</summary>
    public static int TimeBucket(float t) => (int)MathF.Round(t * 10f);

    public static NoiseAwareRanker Train(NoiseAwareExamples train, NoiseAwareExamples holdout, NoiseAwareTrainingOptions options,
        Action<NoiseAwareEpoch>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(holdout);
        if (options.GroupSize < 2 || options.BatchSize % options.GroupSize != 0)
            throw new ArgumentException($"a batch of {options.BatchSize} is not a whole number of groups of {options.GroupSize} (at least 2)", nameof(options));
        if (train.Count < options.BatchSize) throw new ArgumentException($"{train.Count} examples are fewer than one batch of {options.BatchSize}", nameof(train));
        torch.random.manual_seed(options.Seed);
        var groups = Groups(train);
        var model = new NoiseAwareRanker();
        using var optimizer = optim.AdamW(model.parameters(), lr: options.LearningRate, weight_decay: 1e-4);
        int groupsPerBatch = options.BatchSize / options.GroupSize;
        long stepsPerEpoch = train.Count / options.BatchSize, totalSteps = stepsPerEpoch * options.Epochs, step = 0;
        var rng = new Random((int)(options.Seed % int.MaxValue));
        var clock = Stopwatch.StartNew();
        var index = new long[options.BatchSize];
        // A cancelled run throws: a half-trained head is never returned, so never saved over the shipped one.
        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            model.train();
            var epochClock = Stopwatch.StartNew();
            double lossSum = 0;
            for (long b = 0; b < stepsPerEpoch; b++, step++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                for (int g = 0; g < groupsPerBatch; g++)
                {
                    var members = groups[rng.Next(groups.Length)];
                    for (int k = 0; k < options.GroupSize; k++) index[g * options.GroupSize + k] = members[rng.Next(members.Length)];
                }
                var idx = tensor(index);
                var s = model.LogOdds(train.X0.index_select(0, idx), train.Times.index_select(0, idx), train.Labels.index_select(0, idx),
                    train.ClassifierLogOdds.index_select(0, idx), train.ClassifierFeatures.index_select(0, idx));
                var y = train.Targets.index_select(0, idx);
                double lr = 0.5 * options.LearningRate * (1 + Math.Cos(Math.PI * step / totalSteps));
                foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;
                optimizer.zero_grad();
                var loss = RankingLoss(s.view(groupsPerBatch, options.GroupSize), y.view(groupsPerBatch, options.GroupSize))
                    + options.CalibrationWeight * nn.functional.binary_cross_entropy_with_logits(s, y);
                loss.backward();
                optimizer.step();
                lossSum += loss.item<float>();
            }
            progress?.Invoke(new NoiseAwareEpoch(epoch + 1, options.Epochs, lossSum / stepsPerEpoch, WithinGroupSpearman(model, holdout),
                stepsPerEpoch * options.BatchSize / epochClock.Elapsed.TotalSeconds, clock.Elapsed));
        }
        model.eval();
        return model;
    }

    /// <summary>
    /// RankNet with soft targets, over every ordered pair of one group: BCE(sigmoid(s_i - s_j), sigmoid(logit y_i - logit y_j)).
    /// <paramref name="logOdds"/> and <paramref name="targets"/> are [groups, members]; targets are final scores in [0, 1].
    /// </summary>
    public static Tensor RankingLoss(Tensor logOdds, Tensor targets)
    {
        using var scope = NewDisposeScope();
        var y = targets.clamp(1e-4, 1 - 1e-4);
        var ly = y.log() - (1 - y).log();
        var ds = logOdds.unsqueeze(2) - logOdds.unsqueeze(1);
        var p = (ly.unsqueeze(2) - ly.unsqueeze(1)).sigmoid();
        return nn.functional.binary_cross_entropy_with_logits(ds, p).MoveToOuterDisposeScope();
    }

    /// <summary>The examples' indices grouped by (class, time bucket): what one request's candidates at one ranking point are.</summary>
    public static long[][] Groups(NoiseAwareExamples examples)
    {
        var labels = examples.Labels.data<long>().ToArray();
        var times = examples.Times.data<float>().ToArray();
        return Enumerable.Range(0, labels.Length).GroupBy(i => (labels[i], TimeBucket(times[i])))
            .OrderBy(g => g.Key).Select(g => g.Select(i => (long)i).ToArray()).ToArray();
    }

    /// <summary>
    /// How well the head ranks within a request: Spearman between its predictions and the final scores inside every
    /// (class, time bucket) group of at least 3 examples, averaged over the groups.
    /// </summary>
    public static double WithinGroupSpearman(NoiseAwareRanker model, NoiseAwareExamples examples)
    {
        using var predicted = Predict(model, examples);
        var p = predicted.data<float>().Select(v => (double)v).ToArray();
        var y = examples.Targets.data<float>().Select(v => (double)v).ToArray();
        return WithinGroupSpearman(Groups(examples), p, y);
    }

    /// <summary>Mean over groups (of at least 3) of Spearman between <paramref name="predicted"/> and <paramref name="truth"/> inside the group.</summary>
    public static double WithinGroupSpearman(IEnumerable<long[]> groups, IReadOnlyList<double> predicted, IReadOnlyList<double> truth)
    {
        var values = groups.Where(g => g.Length >= 3)
            .Select(g => Spearman(g.Select(i => predicted[(int)i]).ToArray(), g.Select(i => truth[(int)i]).ToArray()))
            .Where(r => !double.IsNaN(r)).ToArray();
        return values.Length == 0 ? double.NaN : values.Average();
    }

    /// <summary>Predicted final scores of every example, in batches (from the stored classifier inputs).</summary>
    public static Tensor Predict(NoiseAwareRanker model, NoiseAwareExamples examples, int batch = 512)
    {
        model.eval();
        using var _ = no_grad();
        var parts = new List<Tensor>();
        for (long i = 0; i < examples.Count; i += batch)
        {
            long n = Math.Min(batch, examples.Count - i);
            parts.Add(model.LogOdds(examples.X0.narrow(0, i, n), examples.Times.narrow(0, i, n), examples.Labels.narrow(0, i, n),
                examples.ClassifierLogOdds.narrow(0, i, n), examples.ClassifierFeatures.narrow(0, i, n)).sigmoid());
        }
        var all = cat(parts, 0);
        foreach (var p in parts) p.Dispose();
        return all;
    }

    /// <summary>Spearman's rank correlation of two equal-length series (average ranks for ties).</summary>
    public static double Spearman(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        if (a.Count != b.Count) throw new ArgumentException("series of different lengths");
        if (a.Count < 2) return double.NaN;
        var ra = GenerationPlatform.Core.Verifiers.EnsembleVerifier.Ranks(a); // mean ranks for ties; the direction does not change the correlation
        var rb = GenerationPlatform.Core.Verifiers.EnsembleVerifier.Ranks(b);
        double ma = ra.Average(), mb = rb.Average(), sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < ra.Length; i++)
        {
            sab += (ra[i] - ma) * (rb[i] - mb);
            saa += (ra[i] - ma) * (ra[i] - ma);
            sbb += (rb[i] - mb) * (rb[i] - mb);
        }
        return saa == 0 || sbb == 0 ? double.NaN : sab / Math.Sqrt(saa * sbb);
    }
}
