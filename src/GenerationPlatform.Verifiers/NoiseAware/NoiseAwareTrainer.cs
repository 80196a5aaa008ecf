using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace GenerationPlatform.Verifiers.NoiseAware;

/// <summary>
/// Training examples for <see cref="NoiseAwareRanker"/>: x0-predictions [N, 1, 28, 28] in [-1, 1], the times they were taken
/// at [N], the requested classes [N] (int64), the trajectory each came from [N] (int64; examples of one trajectory share its
/// target) and the targets [N]: the verifier's score of that trajectory's finished image.
/// </summary>
public sealed record NoiseAwareExamples(Tensor X0, Tensor Times, Tensor Labels, Tensor Trajectories, Tensor Targets) : IDisposable
{
    public long Count => X0.shape[0];

    public NoiseAwareExamples Select(Tensor index) =>
        new(X0.index_select(0, index), Times.index_select(0, index), Labels.index_select(0, index), Trajectories.index_select(0, index), Targets.index_select(0, index));

    public void Dispose()
    {
        X0.Dispose(); Times.Dispose(); Labels.Dispose(); Trajectories.Dispose(); Targets.Dispose();
    }
}

public sealed record NoiseAwareTrainingOptions(int Epochs = 8, int BatchSize = 256, double LearningRate = 2e-3, long Seed = 1);

public sealed record NoiseAwareEpoch(int Epoch, int Epochs, double Loss, double HoldoutLoss, double ImagesPerSecond, TimeSpan Elapsed);

/// <summary>
/// Fits <see cref="NoiseAwareRanker"/> to predict final verifier scores (soft targets in [0, 1], binary cross-entropy on the
/// requested class's logit), AdamW with a cosine schedule and horizontal flips (which keep a Fashion-MNIST item's class).
/// </summary>
public static class NoiseAwareTrainer
{
    public static NoiseAwareRanker Train(NoiseAwareExamples train, NoiseAwareExamples holdout, NoiseAwareTrainingOptions options,
        Action<NoiseAwareEpoch>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(holdout);
        if (train.Count < options.BatchSize) throw new ArgumentException($"{train.Count} examples are fewer than one batch of {options.BatchSize}", nameof(train));
        torch.random.manual_seed(options.Seed);
        var model = new NoiseAwareRanker();
        using var optimizer = optim.AdamW(model.parameters(), lr: options.LearningRate, weight_decay: 1e-4);
        long stepsPerEpoch = train.Count / options.BatchSize, totalSteps = stepsPerEpoch * options.Epochs, step = 0;
        var clock = Stopwatch.StartNew();
        for (int epoch = 0; epoch < options.Epochs && !cancellationToken.IsCancellationRequested; epoch++)
        {
            model.train();
            var epochClock = Stopwatch.StartNew();
            double lossSum = 0;
            using var g = new Generator((ulong)(options.Seed * 1_000_003 + epoch));
            using var perm = randperm(train.Count, generator: g);
            for (long b = 0; b < stepsPerEpoch && !cancellationToken.IsCancellationRequested; b++, step++)
            {
                using var scope = NewDisposeScope();
                var idx = perm.narrow(0, b * options.BatchSize, options.BatchSize);
                var x = train.X0.index_select(0, idx);
                var flip = rand(options.BatchSize) < 0.5;
                x = where(flip.view(-1, 1, 1, 1), x.flip(3), x);
                var logits = model.forward(x, train.Times.index_select(0, idx)).gather(1, train.Labels.index_select(0, idx).view(-1, 1)).squeeze(1);
                double lr = 0.5 * options.LearningRate * (1 + Math.Cos(Math.PI * step / totalSteps));
                foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;
                optimizer.zero_grad();
                var loss = nn.functional.binary_cross_entropy_with_logits(logits, train.Targets.index_select(0, idx));
                loss.backward();
                optimizer.step();
                lossSum += loss.item<float>();
            }
            progress?.Invoke(new NoiseAwareEpoch(epoch + 1, options.Epochs, lossSum / stepsPerEpoch, Loss(model, holdout),
                stepsPerEpoch * options.BatchSize / epochClock.Elapsed.TotalSeconds, clock.Elapsed));
        }
        model.eval();
        return model;
    }

    /// <summary>Mean binary cross-entropy of the predictions against the targets.</summary>
    public static double Loss(NoiseAwareRanker model, NoiseAwareExamples examples)
    {
        model.eval();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var p = Predict(model, examples).clamp(1e-6, 1 - 1e-6);
        var y = examples.Targets;
        return (-(y * p.log() + (1 - y) * (1 - p).log())).mean().item<float>();
    }

    /// <summary>Predicted final scores of every example, in batches.</summary>
    public static Tensor Predict(NoiseAwareRanker model, NoiseAwareExamples examples, int batch = 512)
    {
        var parts = new List<Tensor>();
        for (long i = 0; i < examples.Count; i += batch)
        {
            long n = Math.Min(batch, examples.Count - i);
            parts.Add(model.Predict(examples.X0.narrow(0, i, n), examples.Times.narrow(0, i, n), examples.Labels.narrow(0, i, n)));
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
        var ra = Ranks(a);
        var rb = Ranks(b);
        double ma = ra.Average(), mb = rb.Average(), sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < ra.Length; i++)
        {
            sab += (ra[i] - ma) * (rb[i] - mb);
            saa += (ra[i] - ma) * (ra[i] - ma);
            sbb += (rb[i] - mb) * (rb[i] - mb);
        }
        return saa == 0 || sbb == 0 ? double.NaN : sab / Math.Sqrt(saa * sbb);
    }

    private static double[] Ranks(IReadOnlyList<double> x)
    {
        var order = Enumerable.Range(0, x.Count).OrderBy(i => x[i]).ToArray();
        var ranks = new double[x.Count];
        for (int i = 0; i < order.Length;)
        {
            int j = i;
            while (j + 1 < order.Length && x[order[j + 1]] == x[order[i]]) j++;
            for (int k = i; k <= j; k++) ranks[order[k]] = (i + j) / 2.0;
            i = j + 1;
        }
        return ranks;
    }
}
