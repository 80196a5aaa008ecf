using System.Diagnostics.Metrics;

namespace GenerationPlatform.Storage;

/// <summary>
/// The storage Meter <c>GenerationPlatform.Storage</c>; its counter <c>genplat.storage.errors</c> counts failed storage
/// attempts, tagged <c>store.kind</c> (folder|blob), <c>operation</c> (write|read|delete|create_container) and
/// <c>outcome</c> (retry: another attempt follows; failed: the call gave up or the error was not transient).
/// </summary>
public sealed class StorageMetrics : IDisposable
{
    /// <summary>Name of the Meter.</summary>
    public const string MeterName = "GenerationPlatform.Storage";

    /// <summary>Name of the error counter.</summary>
    public const string ErrorsCounterName = "genplat.storage.errors";

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _errors;

    /// <summary>Creates the Meter through <paramref name="meterFactory"/> when given (the host's), else a Meter of its own.</summary>
    public StorageMetrics(IMeterFactory? meterFactory = null)
    {
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _errors = _meter.CreateCounter<long>(ErrorsCounterName, unit: "{error}",
            description: "Failed result-store attempts (retried or given up).");
    }

    /// <summary>The Meter the counter belongs to (tests listen to this instance only).</summary>
    public Meter Meter => _meter;

    internal void RecordError(string storeKind, string operation, bool willRetry) =>
        _errors.Add(1,
            new KeyValuePair<string, object?>("store.kind", storeKind),
            new KeyValuePair<string, object?>("operation", operation),
            new KeyValuePair<string, object?>("outcome", willRetry ? "retry" : "failed"));

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsMeter) _meter.Dispose();
    }
}
