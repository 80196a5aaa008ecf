using System.Diagnostics.Metrics;

namespace GenerationPlatform.Bench.LoadTest;

/// <summary>
/// Grain storage operations in this process, counted from Orleans' own instruments (every read, write and clear of a
/// grain's persistent state records its latency): what the embedded platform asks of its storage account.
/// </summary>
internal sealed class StorageOperations : IDisposable
{
    private readonly MeterListener listener = new();
    private long count;

    public StorageOperations()
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name.StartsWith("orleans-storage-", StringComparison.Ordinal) && instrument.Name.EndsWith("-latency", StringComparison.Ordinal))
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<double>((_, _, _, _) => Interlocked.Increment(ref count));
        listener.SetMeasurementEventCallback<float>((_, _, _, _) => Interlocked.Increment(ref count));
        listener.SetMeasurementEventCallback<long>((_, _, _, _) => Interlocked.Increment(ref count));
        listener.SetMeasurementEventCallback<int>((_, _, _, _) => Interlocked.Increment(ref count));
        listener.Start();
    }

    /// <summary>Operations counted so far.</summary>
    public long Count => Interlocked.Read(ref count);

    public void Dispose() => listener.Dispose();
}
