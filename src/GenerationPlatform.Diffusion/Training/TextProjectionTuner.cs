using System.Diagnostics;
using GenerationPlatform.Diffusion.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace GenerationPlatform.Diffusion.Training;

/// <param name="Rank">0: every weight of the projection is tuned; above 0: only a low-rank update B Aᵀ of its first layer's
/// weight (rank <paramref name="Rank"/>, B starting at zero), folded into that weight at the end. A low-rank update must
/// move all synonyms along a few shared directions, which is what lets it carry to words it was not shown.</param>
public sealed record TextProjectionTuningOptions(int Steps = 2_000, int BatchSize = 256, double LearningRate = 1e-3, double AnchorWeight = 1.0, long Seed = 1, int Rank = 0);

public sealed record TextProjectionTuningProgress(int Step, int Steps, double PairLoss, double AnchorLoss, TimeSpan Elapsed);

/// <summary>How far projections are from where they should be, relative to where the untuned projection put them (1 = not moved closer, 0 = there).</summary>
public sealed record ProjectionGap(double Before, double After)
{
    public double Ratio => After / Before;
}

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
        var projection = model.TextProjection ?? throw new ArgumentException("the model has no text projection (a class model)", nameof(model));
        long dim = model.Config.TextEmbedding;
        if (pairs.shape.Length != 2 || pairs.shape[1] != dim || !teachers.shape.SequenceEqual(pairs.shape) || anchors.shape.Length != 2 || anchors.shape[1] != dim)
            throw new ArgumentException($"pairs and teachers must be [P, {dim}] alike and anchors [A, {dim}]");
        if (pairs.shape[0] == 0 || anchors.shape[0] == 0) throw new ArgumentException("no pairs or no anchors");
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Steps, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1);
        torch.random.manual_seed(options.Seed);
        Tensor pairTargets, anchorTargets, nullTarget, nullInput;
        double spread;
        using (no_grad())
        {
            pairTargets = Project(projection, teachers);
            anchorTargets = Project(projection, anchors);
            nullInput = zeros(1, dim);
            nullTarget = projection.forward(nullInput);
            spread = (anchorTargets - anchorTargets.mean([0], keepdim: true)).pow(2).sum(1).mean().item<float>();
        }
        var layers = projection.named_children().ToDictionary(c => c.name, c => c.module);
        if (layers.GetValueOrDefault("fc1") is not TorchSharp.Modules.Linear fc1 || layers.GetValueOrDefault("act") is not nn.Module<Tensor, Tensor> act
            || layers.GetValueOrDefault("fc2") is not nn.Module<Tensor, Tensor> fc2)
            throw new ArgumentException("the text projection is not fc1 -> act -> fc2", nameof(model));
        ArgumentOutOfRangeException.ThrowIfNegative(options.Rank);
        if (options.Rank > Math.Min(fc1.weight!.shape[0], fc1.weight.shape[1])) throw new ArgumentOutOfRangeException(nameof(options), $"rank {options.Rank} exceeds the first layer's");
        using var down = options.Rank > 0 ? new TorchSharp.Modules.Parameter(randn(dim, options.Rank).div_(Math.Sqrt(dim))) : null;
        using var up = options.Rank > 0 ? new TorchSharp.Modules.Parameter(zeros(fc1.weight!.shape[0], options.Rank)) : null;
        Tensor Forward(Tensor e) => up is null ? projection.forward(e) : fc2.forward(act.forward(fc1.forward(e) + e.matmul(down!).matmul(up.t())));
        try
        {
            using var optimizer = optim.Adam(up is null ? projection.parameters() : [down!, up], lr: options.LearningRate);
            using var generator = new Generator((ulong)options.Seed);
            var clock = Stopwatch.StartNew();
            for (int step = 0; step < options.Steps && !cancellationToken.IsCancellationRequested; step++)
            {
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
        }
        finally
        {
            if (up is not null)
                using (no_grad())
                    fc1.weight!.add_(up.matmul(down!.t()));
            pairTargets.Dispose(); anchorTargets.Dispose(); nullTarget.Dispose(); nullInput.Dispose();
        }
    }

    /// <summary>The projection of every row, in batches, without gradients.</summary>
    public static Tensor Project(nn.Module<Tensor, Tensor> projection, Tensor embeddings, int batch = 4096)
    {
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
