using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace GenerationPlatform.Verifiers.Text;

/// <summary>
/// Trains <see cref="TextAlignEncoder"/> CLIP-style against frozen sentence embeddings of the captions: per step a batch
/// of images, one of each image's captions drawn at random, and the symmetric InfoNCE loss over the batch's
/// image-caption cosines times the learned logit scale. Captions repeat across images ("a coat"), so every pair whose
/// caption strings are equal counts as a positive (the targets spread evenly over them) rather than as a false negative.
/// </summary>
public sealed class TextAlignTrainer(TextAlignTrainingOptions options)
{
    /// <param name="images">[N, 3, 28, 28] in [-1, 1], flattened.</param>
    /// <param name="captionEmbeddings">[U, 384] distinct caption embeddings, flattened.</param>
    /// <param name="captionIndex">[N, K] rows of <paramref name="captionEmbeddings"/>.</param>
    public TextAlignEncoder Train(float[] images, float[] captionEmbeddings, int[] captionIndex, int captionsPerImage,
        Action<TextAlignProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(captionEmbeddings);
        ArgumentNullException.ThrowIfNull(captionIndex);
        const int imageSize = 3 * 28 * 28, d = TextAlignEncoder.EmbeddingSize;
        if (images.Length % imageSize != 0) throw new ArgumentException("images are not whole 3x28x28 images", nameof(images));
        int n = images.Length / imageSize;
        if (captionIndex.Length != n * captionsPerImage)
            throw new ArgumentException($"{captionIndex.Length} caption rows for {n} images x {captionsPerImage}", nameof(captionIndex));
        if (captionEmbeddings.Length % d != 0) throw new ArgumentException($"caption embeddings are not whole {d}-d vectors", nameof(captionEmbeddings));
        int batch = Math.Min(options.BatchSize, n);
        torch.random.manual_seed(options.Seed);
        var model = new TextAlignEncoder(options.Width);
        using var x = tensor(images, [n, 3, 28, 28]);
        using var e = tensor(captionEmbeddings, [captionEmbeddings.Length / d, d]);
        using var rows = tensor(captionIndex.Select(r => (long)r).ToArray(), [n, captionsPerImage]);
        using var optimizer = optim.AdamW(model.parameters(), lr: options.LearningRate, weight_decay: 1e-4);
        long stepsPerEpoch = Math.Max(1, n / batch), totalSteps = stepsPerEpoch * options.Epochs;
        var clock = Stopwatch.StartNew();
        double lossSum = 0, accSum = 0;
        int count = 0;
        model.train();
        for (long step = 0; step < totalSteps && !cancellationToken.IsCancellationRequested; step++)
        {
            if (options.TimeBudget is { } budget && clock.Elapsed >= budget) break;
            using (var scope = NewDisposeScope())
            {
                torch.random.manual_seed(options.Seed * 7_919 + step * 104_729 + 3);
                var idx = randperm(n).narrow(0, 0, batch);
                var xb = x.index_select(0, idx);
                var sigma = rand(batch, 1, 1, 1) * options.MaxNoise;
                xb = (xb + randn_like(xb) * sigma).clamp_(-1, 1);
                var pick = (rand(batch) * captionsPerImage).floor_().to(ScalarType.Int64).clamp_(0, captionsPerImage - 1);
                var caption = rows.index_select(0, idx).gather(1, pick.unsqueeze(1)).squeeze(1);
                var eb = e.index_select(0, caption);
                var img = model.forward(xb);
                var txt = model.Text(eb);
                var scale = model.LogitScale.clamp(0, 4.6052f).exp(); // at most 100, as in CLIP
                var logits = img.matmul(txt.t()) * scale;
                var same = caption.unsqueeze(1).eq(caption.unsqueeze(0)).to(ScalarType.Float32);
                var targets = same / same.sum(1, keepdim: true);
                var loss = 0.5 * (-(targets * nn.functional.log_softmax(logits, 1)).sum(1).mean()
                    - (targets * nn.functional.log_softmax(logits.t(), 1)).sum(1).mean());
                double lr = options.LearningRate * Math.Min(1.0, (step + 1) / 100.0) * 0.5 * (1 + Math.Cos(Math.PI * step / totalSteps));
                foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;
                optimizer.zero_grad();
                loss.backward();
                optimizer.step();
                lossSum += loss.item<float>();
                var hit = same.gather(1, logits.argmax(1).unsqueeze(1)).mean();
                accSum += hit.item<float>();
                count++;
            }
            if ((step + 1) % 20 == 0 || step + 1 == totalSteps)
            {
                progress?.Invoke(new TextAlignProgress(step + 1, totalSteps, lossSum / count, accSum / count, clock.Elapsed));
                lossSum = accSum = 0;
                count = 0;
            }
        }
        model.eval();
        return model;
    }
}
