using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace GenerationPlatform.Storage;

/// <summary>Records <c>genplat.storage.errors</c> measurements of one <see cref="StorageMetrics"/> instance.</summary>
internal sealed class StorageErrorRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(string Kind, string Operation, string Outcome)> _errors = new();

    public StorageErrorRecorder(StorageMetrics metrics)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, metrics.Meter) && instrument.Name == StorageMetrics.ErrorsCounterName)
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            string kind = "", operation = "", outcome = "";
            foreach (var tag in tags)
            {
                switch (tag.Key)
                {
                    case "store.kind": kind = (string)tag.Value!; break;
                    case "operation": operation = (string)tag.Value!; break;
                    case "outcome": outcome = (string)tag.Value!; break;
                }
            }
            for (var i = 0; i < value; i++) _errors.Enqueue((kind, operation, outcome));
        });
        _listener.Start();
    }

    public IReadOnlyList<(string Kind, string Operation, string Outcome)> Errors => _errors.ToArray();

    public void Dispose() => _listener.Dispose();
}
