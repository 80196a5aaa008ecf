using System.Diagnostics;
using GenerationPlatform.Diffusion.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace GenerationPlatform.Verifiers.ResNet;

/// <summary>
/// Fits the `resnet-probe` head: ResNet-18 features of a class-balanced subset of Fashion-MNIST,
/// then multinomial logistic regression (AdamW with decoupled weight decay, cosine schedule) on the
/// standardized features.
/// </summary>
public static class ResNetProbeTrainer
{
    public static ResNetProbeResult Train(ResNet18Features resnet, FashionMnistSplit train, FashionMnistSplit test, ResNetProbeOptions options,
        Action<ResNetProbeProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var trainIdx = BalancedSubset(train.Labels, options.TrainImages, options.Seed);
        var testIdx = BalancedSubset(test.Labels, options.TestImages, options.Seed + 1);
        var extraction = Stopwatch.StartNew();
        using var trainX = ExtractFeatures(resnet, train, trainIdx, options.FeatureBatch, "train features", progress, cancellationToken);
        using var testX = ExtractFeatures(resnet, test, testIdx, options.FeatureBatch, "test features", progress, cancellationToken);
        double imagesPerSecond = (trainIdx.Length + testIdx.Length) / extraction.Elapsed.TotalSeconds;
        using var trainY = Labels(train, trainIdx);
        using var testY = Labels(test, testIdx);
        var head = Fit(trainX, trainY, options, testX, testY, progress, cancellationToken);
        return new ResNetProbeResult(head, Accuracy(head, testX, testY), Accuracy(head, trainX, trainY), trainIdx.Length, testIdx.Length, imagesPerSecond, clock.Elapsed);
    }

    /// <summary>
    /// Indices of <paramref name="count"/> images in equal shares per class (shares differ by at most one
    /// when count is not a multiple of the class count; a class with too few images leaves its shortfall
    /// to the others), each class's pick a seeded shuffle; every index when count covers the split.
    /// Returned in a seeded random order.
    /// </summary>
    public static int[] BalancedSubset(IReadOnlyList<byte> labels, int count, long seed)
    {
        if (count <= 0) throw new ArgumentOutOfRangeException(nameof(count), "the subset must hold at least one image");
        var rng = new Random(unchecked((int)seed ^ (int)(seed >> 32)));
        if (count >= labels.Count) return Shuffle(Enumerable.Range(0, labels.Count).ToArray(), rng);
        var byClass = Enumerable.Range(0, labels.Count).GroupBy(i => labels[i]).OrderBy(g => g.Key)
            .Select(g => Shuffle(g.ToArray(), rng)).ToList();
        var picked = new List<int>(count);
        int classes = byClass.Count, remaining = count;
        // Fill the smallest classes first so that a short class hands its share to the others.
        foreach (var (group, k) in byClass.Select((g, k) => (g, k)).OrderBy(t => t.g.Length).ThenBy(t => t.k).Select((t, j) => (t.g, j)))
        {
            int share = (remaining + (classes - k - 1)) / (classes - k);
            int take = Math.Min(share, group.Length);
            picked.AddRange(group.Take(take));
            remaining -= take;
        }
        return Shuffle(picked.ToArray(), rng);
    }

    private static int[] Shuffle(int[] items, Random rng)
    {
        rng.Shuffle(items);
        return items;
    }

    /// <summary>One Fashion-MNIST image as 784 floats in [-1, 1].</summary>
    public static float[] Image(FashionMnistSplit split, int index)
    {
        var pixels = split.Image(index);
        var image = new float[pixels.Length];
        for (int i = 0; i < pixels.Length; i++) image[i] = pixels[i] / 127.5f - 1f;
        return image;
    }

    /// <summary>Features [indices.Length, 512] of the chosen images, extracted in batches.</summary>
    public static Tensor ExtractFeatures(ResNet18Features resnet, FashionMnistSplit split, int[] indices, int batch, string stage,
        Action<ResNetProbeProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var flat = new float[indices.Length * ResNet18Features.FeatureDim];
        var clock = Stopwatch.StartNew();
        for (int start = 0; start < indices.Length; start += batch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int n = Math.Min(batch, indices.Length - start);
            var images = Enumerable.Range(start, n).Select(i => Image(split, indices[i])).ToList();
            var features = resnet.Extract(images, cancellationToken);
            for (int k = 0; k < n; k++) features[k].CopyTo(flat, (start + k) * ResNet18Features.FeatureDim);
            int done = start + n;
            double rate = done / clock.Elapsed.TotalSeconds;
            progress?.Invoke(new ResNetProbeProgress(stage, done, indices.Length,
                $"{rate:F1} img/s, {TimeSpan.FromSeconds((indices.Length - done) / Math.Max(rate, 1e-9)):hh\\:mm\\:ss} left"));
        }
        return tensor(flat, [indices.Length, ResNet18Features.FeatureDim]);
    }

    private static Tensor Labels(FashionMnistSplit split, int[] indices) => tensor(indices.Select(i => (long)split.Labels[i]).ToArray());

    /// <summary>Multinomial logistic regression on standardized features; evaluates on the test features each tenth of the run.</summary>
    public static ResNetProbeHead Fit(Tensor features, Tensor labels, ResNetProbeOptions options, Tensor? testFeatures = null, Tensor? testLabels = null,
        Action<ResNetProbeProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        torch.random.manual_seed(options.Seed);
        var head = new ResNetProbeHead();
        using (var mean = features.mean([0]))
        using (var scale = features.std(0, unbiased: false).add_(1e-2f))
            head.SetStandardization(mean, scale); // +0.01: features that never fire (ReLU zeros) stay zero instead of exploding
        long n = features.shape[0];
        int batch = (int)Math.Min(options.BatchSize, n);
        long stepsPerEpoch = (n + batch - 1) / batch, totalSteps = stepsPerEpoch * options.Epochs, step = 0;
        using var optimizer = optim.AdamW(head.parameters(), lr: options.LearningRate, weight_decay: options.WeightDecay);
        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            head.train();
            double lossSum = 0;
            using var g = new Generator((ulong)(options.Seed * 1_000_003 + epoch));
            using var perm = randperm(n, generator: g);
            for (long start = 0; start < n; start += batch, step++)
            {
                using var scope = NewDisposeScope();
                var idx = perm.narrow(0, start, Math.Min(batch, n - start));
                double lr = 0.5 * options.LearningRate * (1 + Math.Cos(Math.PI * step / totalSteps));
                foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;
                optimizer.zero_grad();
                var loss = nn.functional.cross_entropy(head.forward(features.index_select(0, idx)), labels.index_select(0, idx));
                loss.backward();
                optimizer.step();
                lossSum += loss.item<float>() * idx.shape[0];
            }
            bool report = (epoch + 1) % Math.Max(1, options.Epochs / 10) == 0 || epoch + 1 == options.Epochs;
            if (progress is not null && report)
            {
                string test = testFeatures is not null && testLabels is not null ? $"  test acc {Accuracy(head, testFeatures, testLabels):P2}" : "";
                progress(new ResNetProbeProgress("fit", epoch + 1, options.Epochs, $"loss {lossSum / n:F4}{test}"));
            }
        }
        head.eval();
        return head;
    }

    public static double Accuracy(ResNetProbeHead head, Tensor features, Tensor labels)
    {
        head.eval();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        return head.forward(features).argmax(1).eq(labels).sum().item<long>() / (double)Math.Max(1, labels.shape[0]);
    }
}
