namespace GenerationPlatform.Search;

/// <summary>
/// What the checkpoints of one chain already hold of each candidate list an algorithm writes: the list, how many of its
/// items, the last of them, and which were written with their images. A list continues its chain when it is the same
/// list, it still starts with those items (its last persisted item is where it was) and no earlier item written without
/// its image needs it now; otherwise it is written whole again.
/// </summary>
internal sealed class CandidateJournal
{
    private sealed record Entry(IReadOnlyList<Candidate> List, int Count, Candidate? Last, List<bool> Imaged);

    private readonly List<Entry> entries = [];

    /// <summary>How many leading items of list <paramref name="index"/> earlier checkpoints hold: 0 when it must be written whole.</summary>
    public int Continues(int index, IReadOnlyList<Candidate> list, Func<Candidate, bool> withImage)
    {
        if (index >= entries.Count) return 0;
        var e = entries[index];
        if (!ReferenceEquals(e.List, list) || list.Count < e.Count || (e.Count > 0 && !ReferenceEquals(list[e.Count - 1], e.Last))) return 0;
        for (int i = 0; i < e.Count; i++)
            if (!e.Imaged[i] && withImage(list[i])) return 0;
        return e.Count;
    }

    /// <summary>Records what a taken checkpoint wrote (a base replaces everything recorded before).</summary>
    public void Commit(CheckpointWriter writer)
    {
        var lists = writer.Lists;
        if (entries.Count > lists.Count) entries.RemoveRange(lists.Count, entries.Count - lists.Count);
        for (int k = 0; k < lists.Count; k++)
        {
            var (list, baseCount, imaged, _) = lists[k];
            List<bool> flags = baseCount == 0 ? [] : entries[k].Imaged;
            flags.AddRange(imaged);
            var entry = new Entry(list, list.Count, list.Count > 0 ? list[^1] : null, flags);
            if (k < entries.Count) entries[k] = entry;
            else entries.Add(entry);
        }
    }

    /// <summary>Records the lists a resumed run read back from its chain: the next checkpoint continues them.</summary>
    public void Restore(IReadOnlyList<List<Candidate>> lists)
    {
        entries.Clear();
        foreach (var list in lists)
            entries.Add(new Entry(list, list.Count, list.Count > 0 ? list[^1] : null, list.Select(c => c.Image.Length > 0).ToList()));
    }

    public void Clear() => entries.Clear();
}
