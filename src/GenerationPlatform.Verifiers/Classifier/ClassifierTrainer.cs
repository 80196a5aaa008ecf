using System.Diagnostics;
using GenerationPlatform.Diffusion.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace GenerationPlatform.Verifiers.Classifier;

/// <summary>Trains <see cref="FashionClassifier"/> with AdamW, a cosine schedule, flips and small shifts.</summary>
public static class ClassifierTrainer
{
    public static FashionClassifier Train(DatasetTensors train, DatasetTensors test, ClassifierTrainingOptions options, Action<ClassifierEpoch>? progress = null,
        CancellationToken cancellationToken = default)
    {
        torch.random.manual_seed(options.Seed);
        var model = new FashionClassifier();
        using var optimizer = optim.AdamW(model.parameters(), lr: options.LearningRate, weight_decay: 5e-4);
        long stepsPerEpoch = train.Count / options.BatchSize, totalSteps = stepsPerEpoch * options.Epochs, step = 0;
        var clock = Stopwatch.StartNew();
        // A cancelled run throws: a half-trained classifier is never returned, so never saved.
        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
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
                double lr = 0.5 * options.LearningRate * (1 + Math.Cos(Math.PI * step / totalSteps));
                foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;
                optimizer.zero_grad();
                var loss = nn.functional.cross_entropy(model.forward(x), y, label_smoothing: 0.05);
                loss.backward();
                optimizer.step();
                lossSum += loss.item<float>();
            }
            double accuracy = Accuracy(model, test);
            progress?.Invoke(new ClassifierEpoch(epoch + 1, options.Epochs, lossSum / stepsPerEpoch, accuracy, stepsPerEpoch * options.BatchSize / epochClock.Elapsed.TotalSeconds,
                clock.Elapsed));
        }
        model.eval();
        return model;
    }

    /// <summary>Random horizontal flips and shifts of up to 2 pixels (reflection-free: zero padding at -1).</summary>
    private static Tensor Augment(Tensor x)
    {
        long n = x.shape[0];
        var flip = rand(n) < 0.5;
        x = where(flip.view(-1, 1, 1, 1), x.flip(3), x);
        var padded = nn.functional.pad(x, [2, 2, 2, 2], value: -1.0);
        var dx = randint(0, 5, [1]).item<long>();
        var dy = randint(0, 5, [1]).item<long>();
        return padded.narrow(2, dy, 28).narrow(3, dx, 28);
    }

    public static double Accuracy(FashionClassifier model, DatasetTensors data, int batch = 1000)
    {
        model.eval();
        long correct = 0;
        using var _ = no_grad();
        for (int i = 0; i < data.Count; i += batch)
        {
            using var scope = NewDisposeScope();
            int n = Math.Min(batch, data.Count - i);
            var logits = model.forward(data.Images.narrow(0, i, n));
            correct += logits.argmax(1).eq(data.Labels.narrow(0, i, n)).sum().item<long>();
        }
        return correct / (double)data.Count;
    }

    /// <summary>Penultimate features of every image [N, 256], in eval mode.</summary>
    public static Tensor Features(FashionClassifier model, Tensor images, int batch = 1000)
    {
        model.eval();
        using var _ = no_grad();
        var parts = new List<Tensor>();
        for (long i = 0; i < images.shape[0]; i += batch)
            parts.Add(model.Features(images.narrow(0, i, Math.Min(batch, images.shape[0] - i))));
        var all = cat(parts, 0);
        foreach (var p in parts) p.Dispose();
        return all;
    }
}
