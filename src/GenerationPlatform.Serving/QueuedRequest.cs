using System.Diagnostics;
using GenerationPlatform.Core.Sampling;
using GenerationPlatform.Search;

namespace GenerationPlatform.Serving;

/// <summary>One denoise call's trajectories waiting in a <see cref="ContinuousBatchingDenoiser"/>: whose they are, in what order they go, and how far they have come.</summary>
internal sealed class QueuedRequest(Trajectory[] trajectories, CancellationToken token, string owner, long priority)
{
    public Trajectory[] Trajectories { get; } = trajectories;
    public CancellationToken Token { get; } = token;
    public string Owner { get; } = owner;
    /// <summary>Lower goes first inside its owner's share: the search job's admission time (UTC ticks), or the call's arrival.</summary>
    public long Priority { get; } = priority;
    public TaskCompletionSource<DenoiseOutcome[]> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    /// <summary>The caller's trace context: every batch that carries this request links to it.</summary>
    public ActivityContext Caller { get; } = Activity.Current?.Context ?? default;
    public long EnqueuedAt { get; } = Stopwatch.GetTimestamp();
    /// <summary>Whether a request-level policy has let it start (its trajectories then run together until done).</summary>
    public bool Started { get; set; }
    public bool Waited { get; set; }
    /// <summary>Its rows were in a failed model call shared with other requests: it runs alone until a call of its own succeeds.</summary>
    public bool Suspect { get; set; }
    private int cursor;

    /// <summary>Model evaluations its trajectories still need.</summary>
    public long RemainingSteps => Trajectories.Sum(t => (long)(t.Spec.Nfe - t.Nfe));

    public int Pending => Trajectories.Count(t => !t.IsDone);

    public bool IsDone => Trajectories.All(t => t.IsDone);

    /// <summary>Its next unfinished trajectory not already <paramref name="taken"/>, round-robin, or null.</summary>
    public Trajectory? NextPending(IReadOnlySet<Trajectory> taken)
    {
        for (int n = 0; n < Trajectories.Length; n++)
        {
            var t = Trajectories[cursor];
            cursor = (cursor + 1) % Trajectories.Length;
            if (!t.IsDone && !taken.Contains(t)) return t;
        }
        return null;
    }
}
