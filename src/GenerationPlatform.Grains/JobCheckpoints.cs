using GenerationPlatform.Search;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace GenerationPlatform.Grains;

/// <summary>
/// A running job's checkpoint chain in the checkpoint grain storage: each link a state of its own, named by its generation
/// and place (<c>checkpoint-{generation}-{sequence}</c>), and an index (<see cref="JobCheckpointState"/>) naming the chain.
/// A link is written before the index that names it; a base starts a new generation (a random number, so a link never
/// lands on one a failed write left behind) and the links of the one before are deleted once the index names the new
/// one. A round's write costs its link and the small index, so the bytes a job writes grow with what its search adds.
/// </summary>
internal sealed class JobCheckpoints(IPersistentState<JobCheckpointState> index, IGrainStorage storage, GrainId grain, string jobId, ILogger logger)
{
    /// <summary>Links read or written at once when a chain is loaded.</summary>
    private const int ReadConcurrency = 16;

    // The current generation's links (name and state, with its ETag), so that they can be deleted.
    private readonly List<(string Name, GrainState<JobCheckpointLink> State)> links = [];

    /// <summary>Whether a checkpoint is stored.</summary>
    public bool Exists => index.State.Links > 0;

    /// <summary>The round of the last link stored.</summary>
    public int Round => index.State.Round;

    /// <summary>The chain of a job grain: its index state and the checkpoint grain storage its links go to.</summary>
    public static JobCheckpoints For(IGrainContext grain, IPersistentState<JobCheckpointState> index, string jobId, ILogger logger) =>
        new(index, grain.ActivationServices.GetRequiredKeyedService<IGrainStorage>(GrainStorage.Checkpoints), grain.GrainId, jobId, logger);

    private static string Name(long generation, int sequence) => $"checkpoint-{generation:x16}-{sequence}";

    /// <summary>The stored chain, its base first; null when there is none. Throws <see cref="InvalidCheckpointException"/> when a link is missing.</summary>
    public async Task<IReadOnlyList<SearchCheckpoint>?> LoadAsync()
    {
        var s = index.State;
        if (s.Links <= 0) return null;
        var loaded = new (string Name, GrainState<JobCheckpointLink> State)[s.Links];
        for (int start = 0; start < s.Links; start += ReadConcurrency)
        {
            var reads = Enumerable.Range(start, Math.Min(ReadConcurrency, s.Links - start)).Select(async i =>
            {
                var state = new GrainState<JobCheckpointLink>(new JobCheckpointLink());
                await storage.ReadStateAsync(Name(s.Generation, i), grain, state);
                loaded[i] = (Name(s.Generation, i), state);
            });
            await Task.WhenAll(reads);
        }
        var chain = new List<SearchCheckpoint>(loaded.Length);
        foreach (var (name, state) in loaded)
        {
            if (state.State?.Payload is not { Length: > 0 } payload) throw new InvalidCheckpointException($"the job's checkpoint link {name} is missing");
            chain.Add(SearchCheckpoint.Read(payload));
        }
        links.Clear();
        links.AddRange(loaded);
        return chain;
    }

    /// <summary>Writes a link, then the index naming it; throws when either write fails (the chain must then start again from a base).</summary>
    public async Task AppendAsync(SearchCheckpoint link)
    {
        var s = index.State;
        if (!link.IsBase && link.Sequence != s.Links)
            throw new InvalidOperationException($"link {link.Sequence} does not continue the stored chain of {s.Links} links");
        long generation = link.IsBase ? Random.Shared.NextInt64() : s.Generation;
        var name = Name(generation, link.Sequence);
        var state = new GrainState<JobCheckpointLink>(new JobCheckpointLink { Payload = link.Payload });
        await storage.WriteStateAsync(name, grain, state);
        var before = (s.Generation, s.Links, s.Round);
        (s.Generation, s.Links, s.Round) = (generation, link.Sequence + 1, link.Round);
        try { await index.WriteStateAsync(CancellationToken.None); }
        catch
        {
            (s.Generation, s.Links, s.Round) = before;
            throw;
        }
        if (link.IsBase) await DeleteLinksAsync();
        links.Add((name, state));
    }

    /// <summary>Deletes the chain: its links, then its index (a job that ended resumes nothing). Failures are logged, not thrown.</summary>
    public async Task ClearAsync()
    {
        await DeleteLinksAsync();
        if (!index.RecordExists) return;
        try { await index.ClearStateAsync(CancellationToken.None); }
        catch (Exception e) { GrainLog.StateWriteFailed(logger, e, jobId); }
    }

    private async Task DeleteLinksAsync()
    {
        foreach (var (name, state) in links)
        {
            try { await storage.ClearStateAsync(name, grain, state); }
            catch (Exception e) { GrainLog.StateWriteFailed(logger, e, jobId); } // an orphan link: the container's lifecycle rule removes it
        }
        links.Clear();
    }
}
