using System.Collections.Concurrent;
using System.Diagnostics;
using GenerationPlatform.Serving;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GenerationPlatform.Grains;

/// <summary>
/// Makes the silo's models ready for their first request before the silo reports ready (Triton's model warm-up): the
/// networks are loaded when this starts (constructing the provider loads and checks every configured model), then, on a
/// thread of its own, each model's batch cap is taken as configured, remembered from an earlier start
/// (<see cref="RememberedBatchCaps"/>) or measured (<see cref="BatchCap"/>), the network called once at batch 1 and at the cap,
/// and a text model's encoder loaded and run once.
/// The denoiser grains take their caps from here; the readiness probe waits for <see cref="Completion"/>.
/// </summary>
public sealed class ModelWarmup(IVelocityFieldProvider models, IPromptEncoderProvider prompts, IOptions<DenoiserOptions> options, TimeProvider clock,
    ILogger<ModelWarmup> logger) : IHostedService, IDisposable
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<int?>> caps = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource<ModelWarmupReport> done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource stopping = new();
    private Thread? worker;
    private int disposed;

    /// <summary>Completes when every served model is warm (or failed to warm, as the report says).</summary>
    public Task<ModelWarmupReport> Completion => done.Task;

    /// <summary>The cap the warm-up settled for <paramref name="model"/>: null while warming, when it failed, or for a model it does not warm.</summary>
    public int? CapOf(string model) => caps.TryGetValue(model, out var cap) && cap.Task.IsCompletedSuccessfully ? cap.Task.Result : null;

    /// <summary>The cap of <paramref name="model"/> once warm (null if warming failed); null for a model this warm-up does not warm.</summary>
    public Task<int?>? CapWhenWarm(string model) => caps.TryGetValue(model, out var cap) ? cap.Task : null;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var served = models.Served;
        foreach (var model in served) caps[model] = new TaskCompletionSource<int?>(TaskCreationOptions.RunContinuationsAsynchronously);
        // Model calls are long and blocking: a thread of its own, not the thread pool's.
        worker = new Thread(() => Run(served, stopping.Token)) { IsBackground = true, Name = "model-warmup" };
        using (ExecutionContext.SuppressFlow()) worker.Start();
        return Task.CompletedTask;
    }

    private void Run(IReadOnlyList<string> served, CancellationToken cancellationToken)
    {
        var started = clock.GetTimestamp();
        var lines = new List<string>(served.Count);
        foreach (var model in served)
        {
            var modelStarted = clock.GetTimestamp();
            int? cap = null;
            try
            {
                var (settled, source) = Warm(model, cancellationToken);
                cap = settled;
                lines.Add($"{model}: batch cap {settled} ({source}), warm in {clock.GetElapsedTime(modelStarted).TotalSeconds:F1} s");
                WarmupLog.ModelWarm(logger, model, settled, source, clock.GetElapsedTime(modelStarted).TotalSeconds);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                lines.Add($"{model}: not warmed (stopping)");
            }
            catch (Exception e)
            {
                lines.Add($"{model}: not warmed ({e.Message}); its denoiser measures its cap when it activates");
                WarmupLog.ModelWarmFailed(logger, e, model);
            }
            caps[model].TrySetResult(cap);
        }
        var report = new ModelWarmupReport(lines, clock.GetElapsedTime(started));
        WarmupLog.ModelsWarm(logger, served.Count, report.Elapsed.TotalSeconds, string.Join("; ", lines));
        done.TrySetResult(report);
    }

    private (int Cap, string Source) Warm(string model, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var field = models.Get(model);
        int cap;
        string source;
        if (o.MaxBatch > 0) (cap, source) = (o.MaxBatch, "configured");
        else
        {
            int[] sizes = [.. BatchCap.DefaultSizes.Where(b => b <= o.CalibrationMaxBatch)];
            var key = models.CapKey(model);
            var memory = o.CapCacheFolder is { Length: > 0 } folder && key is not null ? new RememberedBatchCaps(folder) : null;
            string? problem = null;
            var remembered = memory?.Read(key!, sizes[^1], out problem);
            if (problem is not null) WarmupLog.RememberedCapIgnored(logger, model, problem);
            if (remembered is { Current: true }) (cap, source) = (remembered.Cap, $"remembered from {remembered.MeasuredAt:u} in {memory!.Folder}");
            else
            {
                var measuring = Stopwatch.StartNew();
                var choice = BatchCap.Measure(field, sizes, o.CalibrationTimePerSize, o.CalibrationRepeats, remembered?.Cap, cancellationToken);
                WarmupLog.CapMeasured(logger, model, choice.Cap, choice.Knee, choice.LastKnown, measuring.Elapsed.TotalSeconds, choice.Curve);
                string kept = choice.KeptLastKnown ? $", the last known cap kept over the knee {choice.Knee}" : "";
                (cap, source) = (choice.Cap, $"measured in {measuring.Elapsed.TotalSeconds:F1} s{kept}");
                if (memory is not null) Remember(memory, key!, choice);
            }
        }
        BatchCap.WarmUp(field, cap, cancellationToken);
        if (field.Conditioning is { IsText: true, TextEncoder: { } encoder } text) prompts.Get(encoder).Encode("warm up", text.EmbeddingSize, cancellationToken);
        return (cap, source);
    }

    private void Remember(RememberedBatchCaps memory, BatchCapKey key, BatchCapChoice choice)
    {
        try { memory.Write(key, choice, clock.GetUtcNow()); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { WarmupLog.CapNotRemembered(logger, key.Model, memory.Folder, e.Message); }
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        stopping.Cancel();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        // Registered as itself and as a hosted service: the container disposes it twice.
        if (Interlocked.Exchange(ref disposed, 1) == 1) return;
        stopping.Cancel();
        // The warm-up thread ends within one model call of the cancellation; the networks it calls are disposed after this.
        worker?.Join();
        stopping.Dispose();
    }
}
