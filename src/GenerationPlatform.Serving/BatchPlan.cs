using GenerationPlatform.Core.Sampling;

namespace GenerationPlatform.Serving;

/// <summary>What the next model call will do: the trajectory steps it carries, at most the batch cap. The batcher's loop runs it and settles it.</summary>
public sealed record BatchPlan(IReadOnlyList<Trajectory> Rows)
{
    public static BatchPlan Empty { get; } = new([]);

    public int Count => Rows.Count;
}
