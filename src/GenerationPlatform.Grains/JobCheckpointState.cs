namespace GenerationPlatform.Grains;

/// <summary>
/// The index of a running job's checkpoint chain (<see cref="JobCheckpoints"/>): which generation of links holds it, how
/// many links, and the round of the last. The links are grain states of their own, kept apart from the job's small state.
/// </summary>
[GenerateSerializer]
public sealed record JobCheckpointState
{
    // Id 0 (one whole checkpoint, rewritten every round) is retired: a chain of links replaces it.
    [Id(1)] public int Round { get; set; }
    /// <summary>The generation of the chain's links (a new base starts a new one).</summary>
    [Id(2)] public long Generation { get; set; }
    /// <summary>Links in the chain, its base included; 0 when there is no checkpoint.</summary>
    [Id(3)] public int Links { get; set; }
}
