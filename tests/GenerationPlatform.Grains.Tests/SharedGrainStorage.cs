using System.Collections.Concurrent;
using Orleans.Serialization;
using Orleans.Storage;

namespace GenerationPlatform.Grains.Tests;

/// <summary>
/// Test double for the cluster's Azure Table grain storage: state that lives outside any silo, so it
/// survives the death of the silo that wrote it (MemoryGrainStorage keeps it in grains on silos). One
/// process-wide table shared by every in-process silo; values are stored serialized, and every write
/// checks and renews the ETag as the real store does.
/// </summary>
public sealed class SharedGrainStorage(Serializer serializer) : IGrainStorage
{
    private static readonly ConcurrentDictionary<string, (string ETag, byte[] State)> Table = new(StringComparer.Ordinal);

    /// <summary>A grain's stored state, read without the grain; null when none was written.</summary>
    public static T? Read<T>(Serializer serializer, string stateName, GrainId grainId) =>
        Table.TryGetValue(Key(stateName, grainId), out var row) ? serializer.Deserialize<T>(row.State) : default;

    /// <summary>Stores a grain's state as if the grain had written it (a job persisted by a silo that is gone).</summary>
    public static void Write<T>(Serializer serializer, string stateName, GrainId grainId, T state) =>
        Table[Key(stateName, grainId)] = (Guid.NewGuid().ToString("N"), serializer.SerializeToArray(state));

    /// <summary>Fault injection: while it answers true for a state name and grain, writes of that grain fail as a storage outage would.</summary>
    public static Func<string, GrainId, bool>? FailWrites { get; set; }

    private static readonly ConcurrentDictionary<string, int> WriteCounts = new(StringComparer.Ordinal);

    /// <summary>How many writes of a grain's state reached the table (successful or not).</summary>
    public static int Writes(string stateName, GrainId grainId) => WriteCounts.GetValueOrDefault(Key(stateName, grainId));

    private static string Key(string stateName, GrainId grainId) => $"{stateName}/{grainId}";

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (Table.TryGetValue(Key(stateName, grainId), out var row))
        {
            grainState.State = serializer.Deserialize<T>(row.State);
            grainState.ETag = row.ETag;
            grainState.RecordExists = true;
        }
        else
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
        }
        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        WriteCounts.AddOrUpdate(Key(stateName, grainId), 1, (_, n) => n + 1);
        if (FailWrites?.Invoke(stateName, grainId) == true) throw new IOException($"storage unavailable writing {stateName} of {grainId}");
        var key = Key(stateName, grainId);
        var row = (ETag: Guid.NewGuid().ToString("N"), State: serializer.SerializeToArray(grainState.State));
        lock (Table)
        {
            var stored = Table.TryGetValue(key, out var current) ? current.ETag : null;
            if (stored != grainState.ETag) throw new InconsistentStateException($"ETag mismatch writing {key}", stored, grainState.ETag);
            Table[key] = row;
        }
        grainState.ETag = row.ETag;
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = Key(stateName, grainId);
        lock (Table)
        {
            var stored = Table.TryGetValue(key, out var current) ? current.ETag : null;
            if (stored != grainState.ETag) throw new InconsistentStateException($"ETag mismatch clearing {key}", stored, grainState.ETag);
            Table.TryRemove(key, out _);
        }
        grainState.ETag = null;
        grainState.RecordExists = false;
        grainState.State = Activator.CreateInstance<T>();
        return Task.CompletedTask;
    }
}
