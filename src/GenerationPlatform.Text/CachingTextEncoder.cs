namespace GenerationPlatform.Text;

/// <summary>
/// A bounded least-recently-used cache of embeddings per prompt string (exact, ordinal match) in front of another
/// encoder. Misses of one call are encoded together in one inner call, outside the lock; hits never reach the inner
/// encoder. Callers get their own copies of the vectors, so nobody can change what the cache holds. Thread-safe.
/// Disposing it disposes the inner encoder.
/// </summary>
public sealed class CachingTextEncoder : ITextEncoder
{
    /// <summary>The default number of prompts kept.</summary>
    public const int DefaultCapacity = 4096;

    private readonly ITextEncoder inner;
    private readonly Lock gate = new();
    private readonly Dictionary<string, LinkedListNode<KeyValuePair<string, float[]>>> entries = new(StringComparer.Ordinal);
    private readonly LinkedList<KeyValuePair<string, float[]>> recency = new(); // most recent first
    private long hits;
    private long misses;

    public CachingTextEncoder(ITextEncoder inner, int capacity = DefaultCapacity)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        this.inner = inner;
        Capacity = capacity;
    }

    public string Name => inner.Name;

    public int Dimension => inner.Dimension;

    /// <summary>The most prompts kept at once.</summary>
    public int Capacity { get; }

    /// <summary>Prompts held now (never more than <see cref="Capacity"/>).</summary>
    public int Count { get { lock (gate) return entries.Count; } }

    /// <summary>Prompts answered from the cache so far.</summary>
    public long Hits => Interlocked.Read(ref hits);

    /// <summary>Prompts that had to be encoded so far (a prompt repeated within one call counts once).</summary>
    public long Misses => Interlocked.Read(ref misses);

    public float[][] Encode(IReadOnlyList<string> prompts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        var result = new float[prompts.Count][];
        var missing = new List<string>();
        var missingSet = new HashSet<string>(StringComparer.Ordinal);
        lock (gate)
        {
            for (int i = 0; i < prompts.Count; i++)
            {
                var prompt = prompts[i] ?? throw new ArgumentException($"prompt {i} is null", nameof(prompts));
                if (entries.TryGetValue(prompt, out var node))
                {
                    recency.Remove(node);
                    recency.AddFirst(node);
                    result[i] = (float[])node.Value.Value.Clone();
                    hits++;
                }
                else if (missingSet.Add(prompt))
                {
                    missing.Add(prompt);
                }
            }
        }
        if (missing.Count == 0) return result;

        var encoded = inner.Encode(missing, cancellationToken);
        if (encoded.Length != missing.Count)
            throw new InvalidOperationException($"{inner.Name} returned {encoded.Length} vectors for {missing.Count} prompts");
        var byPrompt = new Dictionary<string, float[]>(StringComparer.Ordinal);
        lock (gate)
        {
            misses += missing.Count;
            for (int j = 0; j < missing.Count; j++)
            {
                byPrompt[missing[j]] = encoded[j];
                Put(missing[j], (float[])encoded[j].Clone());
            }
        }
        for (int i = 0; i < prompts.Count; i++)
            result[i] ??= (float[])byPrompt[prompts[i]].Clone();
        return result;
    }

    private void Put(string prompt, float[] vector)
    {
        if (entries.TryGetValue(prompt, out var existing)) // another caller encoded it meanwhile
        {
            recency.Remove(existing);
            entries.Remove(prompt);
        }
        var node = recency.AddFirst(new KeyValuePair<string, float[]>(prompt, vector));
        entries[prompt] = node;
        while (entries.Count > Capacity)
        {
            var last = recency.Last!;
            recency.RemoveLast();
            entries.Remove(last.Value.Key);
        }
    }

    public void Dispose() => inner.Dispose();
}
