using System.Diagnostics;
using System.Text.Json;
using GenerationPlatform.Diffusion.Checkpoints;
using GenerationPlatform.Diffusion.Model;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GenerationPlatform.Diffusion.Training;

/// <summary>
/// Trains the velocity network with the flow-matching objective of SEARCH.md section 2:
/// x_t = (1 - t) x0 + t eps, target v = eps - x0, t ~ U(0, 1). Keeps EMA weights, and writes a
/// resumable checkpoint (weights, EMA, optimizer, step) every few steps. Data order and noise
/// depend only on (seed, step), so a resumed run continues exactly where it stopped.
/// Text models (<see cref="UNetConfig.IsText"/>) train on a captioned <see cref="DatasetTensors"/>: each step draws one
/// of each image's captions and feeds its embedding, replaced by zeros with probability
/// <see cref="FlowMatchingTrainingOptions.LabelDropout"/>.
/// </summary>
public sealed class FlowMatchingTrainer(FlowMatchingTrainingOptions options, string checkpointDir)
{
    private sealed record TrainerState(long Step, FlowMatchingTrainingOptions Options, double ElapsedSeconds);

    public VelocityUNet Train(DatasetTensors data, Action<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Shape != options.Model.Shape)
            throw new ArgumentException($"the data's images are {data.Shape.Channels}x{data.Shape.Height}x{data.Shape.Width}, " +
                $"the model's {options.Model.ImageChannels}x{options.Model.Height}x{options.Model.Width}", nameof(data));
        if (options.Model.IsText && (data.CaptionEmbeddings is null || data.CaptionIndex is null))
            throw new ArgumentException("a text model trains on captioned data", nameof(data));
        if (options.Model.IsText && data.CaptionEmbeddings!.shape[1] != options.Model.TextEmbedding)
            throw new ArgumentException($"the captions are {data.CaptionEmbeddings.shape[1]}-d embeddings, the model takes {options.Model.TextEmbedding}", nameof(data));
        if (data.Count < options.BatchSize)
            throw new ArgumentException($"{data.Count} images are fewer than one batch of {options.BatchSize}", nameof(data));
        torch.random.manual_seed(options.Seed);
        var model = new VelocityUNet(options.Model);
        var ema = new VelocityUNet(options.Model);
        CopyInto(model, ema);
        ema.eval();
        var optimizer = optim.AdamW(model.parameters(), lr: options.LearningRate, weight_decay: 0.0);
        long stepsPerEpoch = data.Count / options.BatchSize;
        long totalSteps = stepsPerEpoch * options.Epochs;
        long step = 0;
        double elapsedBefore = 0;
        Directory.CreateDirectory(checkpointDir);
        var statePath = Path.Combine(checkpointDir, "trainer.json");
        if (File.Exists(statePath))
        {
            var state = JsonSerializer.Deserialize<TrainerState>(File.ReadAllText(statePath))!;
            step = state.Step;
            elapsedBefore = state.ElapsedSeconds;
            SafeTensors.LoadModule(Path.Combine(checkpointDir, "model.safetensors"), model);
            SafeTensors.LoadModule(Path.Combine(checkpointDir, "ema.safetensors"), ema);
            optimizer.load_state_dict(Path.Combine(checkpointDir, "optimizer.bin"));
        }

        var clock = Stopwatch.StartNew();
        var windowClock = Stopwatch.StartNew();
        long windowImages = 0;
        double lossSum = 0;
        int lossCount = 0;
        long epochOfPermutation = -1;
        Tensor? permutation = null;
        model.train();
        bool spent = options.TimeBudget is { } limit && elapsedBefore >= limit.TotalSeconds;
        while (step < totalSteps && !spent && !cancellationToken.IsCancellationRequested)
        {
            long epoch = step / stepsPerEpoch;
            if (epoch != epochOfPermutation)
            {
                permutation?.Dispose();
                using var g = new Generator((ulong)(options.Seed * 1_000_003 + epoch));
                permutation = randperm(data.Count, generator: g);
                epochOfPermutation = epoch;
            }
            using (var scope = NewDisposeScope())
            {
                torch.random.manual_seed(options.Seed * 7_919 + step * 104_729 + 17);
                long offset = (step % stepsPerEpoch) * options.BatchSize;
                var idx = permutation!.narrow(0, offset, options.BatchSize);
                var x0 = data.Images.index_select(0, idx);
                var drop = rand(options.BatchSize) < options.LabelDropout;
                Tensor condition;
                if (options.Model.IsText)
                {
                    int k = data.CaptionsPerImage;
                    var pick = (rand(options.BatchSize) * k).floor_().to(ScalarType.Int64).clamp_(0, k - 1);
                    var rows = data.CaptionIndex!.index_select(0, idx).gather(1, pick.unsqueeze(1)).squeeze(1);
                    condition = data.CaptionEmbeddings!.index_select(0, rows) * drop.logical_not().to(ScalarType.Float32).unsqueeze(1);
                }
                else
                {
                    var labels = data.Labels.index_select(0, idx);
                    condition = where(drop, full_like(labels, options.Model.NullLabel), labels);
                }
                var t = rand(options.BatchSize);
                var eps = randn_like(x0);
                var tb = t.view(-1, 1, 1, 1);
                var xt = (1 - tb) * x0 + tb * eps;
                var target = eps - x0;
                var v = model.forward(xt, t, condition);
                var loss = nn.functional.mse_loss(v, target);
                double lr = options.LearningRate * Math.Min(1.0, (step + 1) / (double)options.WarmupSteps);
                foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;
                optimizer.zero_grad();
                loss.backward();
                nn.utils.clip_grad_norm_(model.parameters(), 1.0);
                optimizer.step();
                UpdateEma(model, ema, Math.Min(options.EmaDecay, (1.0 + step) / (10.0 + step)));
                lossSum += loss.item<float>();
                lossCount++;
            }
            step++;
            windowImages += options.BatchSize;
            if (step % options.ProgressEverySteps == 0 || step == totalSteps)
            {
                progress?.Invoke(new TrainingProgress(step, totalSteps, lossSum / lossCount, windowImages / windowClock.Elapsed.TotalSeconds,
                    TimeSpan.FromSeconds(elapsedBefore) + clock.Elapsed));
                lossSum = 0;
                lossCount = 0;
                windowImages = 0;
                windowClock.Restart();
            }
            bool outOfTime = options.TimeBudget is { } budget && elapsedBefore + clock.Elapsed.TotalSeconds >= budget.TotalSeconds;
            if (step % options.CheckpointEverySteps == 0 || step == totalSteps || cancellationToken.IsCancellationRequested || outOfTime)
                SaveCheckpoint(model, ema, optimizer, step, elapsedBefore + clock.Elapsed.TotalSeconds);
            if (outOfTime) break;
        }
        permutation?.Dispose();
        optimizer.Dispose();
        model.Dispose();
        return ema;
    }

    private void SaveCheckpoint(VelocityUNet model, VelocityUNet ema, OptimizerHelper optimizer, long step, double elapsedSeconds)
    {
        SafeTensors.SaveModule(Path.Combine(checkpointDir, "model.safetensors"), model);
        // The EMA file carries the architecture, so a checkpoint can be sampled from directly (--model).
        SafeTensors.SaveModule(Path.Combine(checkpointDir, "ema.safetensors"), ema, VelocityModelFile.Metadata(options.Model, $"EMA at step {step}"));
        var optPath = Path.Combine(checkpointDir, "optimizer.bin");
        optimizer.save_state_dict(optPath + ".tmp");
        File.Move(optPath + ".tmp", optPath, overwrite: true);
        var statePath = Path.Combine(checkpointDir, "trainer.json");
        File.WriteAllText(statePath + ".tmp", JsonSerializer.Serialize(new TrainerState(step, options, elapsedSeconds)));
        File.Move(statePath + ".tmp", statePath, overwrite: true); // written last: names a complete checkpoint
    }

    internal static void CopyInto(nn.Module source, nn.Module target)
    {
        using var _ = no_grad();
        var dst = target.state_dict();
        foreach (var (name, value) in source.state_dict()) dst[name].copy_(value);
    }

    private static void UpdateEma(nn.Module model, nn.Module ema, double decay)
    {
        using var _ = no_grad();
        var src = model.state_dict();
        foreach (var (name, value) in ema.state_dict())
        {
            if (value.is_floating_point()) value.mul_(decay).add_(src[name], alpha: 1 - decay);
            else value.copy_(src[name]);
        }
    }
}
