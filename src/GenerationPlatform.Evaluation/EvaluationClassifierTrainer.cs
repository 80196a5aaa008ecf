using System.Diagnostics;
using GenerationPlatform.Diffusion.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace GenerationPlatform.Evaluation;

/// <summary>
/// Trains <see cref="EvaluationClassifier"/> on the training split only (no test data is seen: no early stopping,
/// the last epoch is kept), with AdamW, a cosine schedule, flips, shifts of up to 2 pixels and label smoothing 0.1.
/// </summary>
public static class EvaluationClassifierTrainer
{
    public static EvaluationClassifier Train(DatasetTensors train, EvaluationClassifierOptions options, Action<EvaluationClassifierEpoch>? progress = null,
        CancellationToken cancellationToken = default)
    {
        torch.random.manual_seed(options.Seed);
        var model = new EvaluationClassifier();
        using var optimizer = optim.AdamW(model.parameters(), lr: options.LearningRate, weight_decay: 1e-3);
        long stepsPerEpoch = train.Count / options.BatchSize, totalSteps = stepsPerEpoch * options.Epochs, step = 0;
        var clock = Stopwatch.StartNew();
        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            model.train();
            var epochClock = Stopwatch.StartNew();
            double lossSum = 0;
            using var g = new Generator((ulong)(options.Seed * 1_000_003 + epoch));
            using var perm = randperm(train.Count, generator: g);
            for (long b = 0; b < stepsPerEpoch; b++, step++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var idx = perm.narrow(0, b * options.BatchSize, options.BatchSize);
                var x = Augment(train.Images.index_select(0, idx));
                var y = train.Labels.index_select(0, idx);
                // 200 steps of linear warm-up, then cosine decay to 0.
                double lr = step < 200 ? options.LearningRate * (step + 1) / 200.0 : 0.5 * options.LearningRate * (1 + Math.Cos(Math.PI * step / totalSteps));
                foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;
                optimizer.zero_grad();
                var loss = nn.functional.cross_entropy(model.forward(x), y, label_smoothing: 0.1);
                loss.backward();
                optimizer.step();
                lossSum += loss.item<float>();
            }
            progress?.Invoke(new EvaluationClassifierEpoch(epoch + 1, options.Epochs, lossSum / stepsPerEpoch,
                stepsPerEpoch * options.BatchSize / epochClock.Elapsed.TotalSeconds, clock.Elapsed));
        }
        model.eval();
        return model;
    }

    /// <summary>Random horizontal flips and one shift of up to 2 pixels per batch (padding at -1, the background).</summary>
    private static Tensor Augment(Tensor x)
    {
        var flip = rand(x.shape[0]) < 0.5;
        x = where(flip.view(-1, 1, 1, 1), x.flip(3), x);
        var padded = nn.functional.pad(x, [2, 2, 2, 2], value: -1.0);
        var dx = randint(0, 5, [1]).item<long>();
        var dy = randint(0, 5, [1]).item<long>();
        return padded.narrow(2, dy, 28).narrow(3, dx, 28);
    }

    public static double Accuracy(EvaluationClassifier model, DatasetTensors data, int batch = 1000)
    {
        using var probabilities = Probabilities(model, data.Images, batch);
        using var predicted = probabilities.argmax(1);
        using var hits = predicted.eq(data.Labels).sum();
        return hits.item<long>() / (double)data.Count;
    }

    /// <summary>Penultimate features of every image [N, 128], in eval mode.</summary>
    public static Tensor Features(EvaluationClassifier model, Tensor images, int batch = 1000) => Batched(images, batch, x => model.Features(x), model);

    /// <summary>Class probabilities of every image [N, 10], in eval mode.</summary>
    public static Tensor Probabilities(EvaluationClassifier model, Tensor images, int batch = 1000) =>
        Batched(images, batch, x => nn.functional.softmax(model.forward(x), 1), model);

    private static Tensor Batched(Tensor images, int batch, Func<Tensor, Tensor> f, EvaluationClassifier model)
    {
        model.eval();
        using var _ = no_grad();
        var parts = new List<Tensor>();
        for (long i = 0; i < images.shape[0]; i += batch)
            parts.Add(f(images.narrow(0, i, Math.Min(batch, images.shape[0] - i))));
        var all = cat(parts, 0);
        foreach (var p in parts) p.Dispose();
        return all;
    }
}
