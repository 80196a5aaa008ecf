using System.Diagnostics;
using GenerationPlatform.Diffusion.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace GenerationPlatform.Diffusion.Training;

/// <summary>
/// Tunes only a text model's prompt projection (<see cref="VelocityUNet.TextProjection"/>; the U-Net is untouched), so that
/// prompts the model never heard land where prompts it knows do: each pair's embedding is taught the untuned projection of
/// its teacher's embedding (the same caption with a training word), while the training captions' own projections and the
/// null condition's are held where they are (anchors). Losses are squared distances in the condition space, divided by the
/// anchors' spread there, so the weights read the same for any model.
/// </summary>
public static class TextProjectionTuner
{
    /// <param name="model">a text model, changed in place.</param>
    /// <param name="pairs">[P, D] embeddings of captions to move.</param>
    /// <param name="teachers">[P, D] embeddings of their teachers.</param>
    /// <param name="anchors">[A, D] embeddings whose projections must stay (the training captions).</param>
    public static void Tune(VelocityUNet model, Tensor pairs, Tensor teachers, Tensor anchors, TextProjectionTuningOptions options,
        Action<TextProjectionTuningProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        var projection = model.TextProjection ?? throw new ArgumentException("the model has no text projection (a class model)", nameof(model));
        var (first, second) = model.TextProjectionLayers!.Value;
        long dim = model.Config.TextEmbedding;
        if (pairs.shape.Length != 2 || pairs.shape[1] != dim || !teachers.shape.SequenceEqual(pairs.shape) || anchors.shape.Length != 2 || anchors.shape[1] != dim)
            throw new ArgumentException($"pairs and teachers must be [P, {dim}] alike and anchors [A, {dim}]");
        if (pairs.shape[0] == 0 || anchors.shape[0] < 2) throw new ArgumentException("tuning needs at least one pair and two anchors");
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Steps, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Steps, MaxSteps);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.BatchSize, MaxBatchSize);
        if (!(options.LearningRate > 0 && double.IsFinite(options.LearningRate)))
            throw new ArgumentOutOfRangeException(nameof(options), "the learning rate must be positive and finite");
        if (!(options.AnchorWeight >= 0 && double.IsFinite(options.AnchorWeight)))
            throw new ArgumentOutOfRangeException(nameof(options), "the anchor weight must be >= 0 and finite");
        ArgumentOutOfRangeException.ThrowIfNegative(options.Rank);
        if (options.Rank > Math.Min(first.weight!.shape[0], first.weight.shape[1]))
            throw new ArgumentOutOfRangeException(nameof(options), $"rank {options.Rank} exceeds the first layer's");
        torch.random.manual_seed(options.Seed);
        using var pairTargets = Project(projection, teachers);
        using var anchorTargets = Project(projection, anchors);
        using var nullInput = zeros(1, dim);
        using var nullTarget = Project(projection, nullInput);
        double spread;
        using (no_grad())
            spread = (anchorTargets - anchorTargets.mean([0], keepdim: true)).pow(2).sum(1).mean().item<float>();
        if (!(spread > 0)) throw new ArgumentException("the anchors all project to one point: nothing to measure distances against", nameof(anchors));

        // Low rank: only B A^T, added to the first layer's weight, is trained (the projection's own weights are frozen)
        // and folded into that weight once the run completes.
        using var down = options.Rank > 0 ? new TorchSharp.Modules.Parameter(randn(dim, options.Rank).div_(Math.Sqrt(dim))) : null;
        using var up = options.Rank > 0 ? new TorchSharp.Modules.Parameter(zeros(first.weight!.shape[0], options.Rank)) : null;
        var own = projection.parameters().ToArray();
        var trainable = own.Select(p => p.requires_grad).ToArray();
        if (up is not null) foreach (var p in own) p.requires_grad_(false);
        Tensor Forward(Tensor e) => up is null ? projection.forward(e)
            : second.forward(nn.functional.silu(first.forward(e) + e.matmul(down!).matmul(up.t())));
        try
        {
            using var optimizer = optim.Adam(up is null ? own : [down!, up], lr: options.LearningRate);
            using var generator = new Generator((ulong)options.Seed);
            var clock = Stopwatch.StartNew();
            for (int step = 0; step < options.Steps; step++)
            {
                cancellationToken.ThrowIfCancellationRequested(); // a cancelled run leaves no low-rank update folded in
                using var scope = NewDisposeScope();
                var p = randint(pairs.shape[0], [options.BatchSize], generator: generator);
                var a = randint(anchors.shape[0], [options.BatchSize], generator: generator);
                var pairLoss = (Forward(pairs.index_select(0, p)) - pairTargets.index_select(0, p)).pow(2).sum(1).mean() / spread;
                var anchorLoss = ((Forward(anchors.index_select(0, a)) - anchorTargets.index_select(0, a)).pow(2).sum(1).mean()
                    + (Forward(nullInput) - nullTarget).pow(2).sum(1).mean()) / spread;
                double lr = 0.5 * options.LearningRate * (1 + Math.Cos(Math.PI * step / options.Steps));
                foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;
                optimizer.zero_grad();
                (pairLoss + options.AnchorWeight * anchorLoss).backward();
                optimizer.step();
                if (progress is not null && (step % 100 == 99 || step == options.Steps - 1))
                    progress(new TextProjectionTuningProgress(step + 1, options.Steps, pairLoss.item<float>(), anchorLoss.item<float>(), clock.Elapsed));
            }
            if (up is not null)
                using (no_grad())
                    first.weight!.add_(up.matmul(down!.t()));
        }
        finally
        {
            for (int i = 0; i < own.Length; i++) own[i].requires_grad_(trainable[i]);
        }
    }

    /// <summary>Most optimisation steps and rows per batch one run takes.</summary>
    public const int MaxSteps = 100_000, MaxBatchSize = 65_536;

    /// <summary>The projection of every row, in batches, without gradients.</summary>
    public static Tensor Project(nn.Module<Tensor, Tensor> projection, Tensor embeddings, int batch = 4096)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(embeddings.shape[0], 1, nameof(embeddings));
        using var _ = no_grad();
        var parts = new List<Tensor>();
        for (long i = 0; i < embeddings.shape[0]; i += batch) parts.Add(projection.forward(embeddings.narrow(0, i, Math.Min(batch, embeddings.shape[0] - i))));
        var all = cat(parts, 0);
        foreach (var t in parts) t.Dispose();
        return all;
    }

    /// <summary>Mean distance between the rows of two [N, E] projections.</summary>
    public static double MeanDistance(Tensor a, Tensor b)
    {
        using var _ = no_grad();
        using var d = (a - b).pow(2).sum(1).sqrt().mean();
        return d.item<float>();
    }
}
