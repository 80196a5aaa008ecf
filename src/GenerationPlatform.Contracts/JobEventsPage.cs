namespace GenerationPlatform.Contracts;

/// <summary>Events of a job's log from some index on, and whether the job has ended (so no more will come).</summary>
[GenerateSerializer, Immutable]
public sealed record JobEventsPage([property: Id(0)] JobEvent[] Events, [property: Id(1)] bool Finished);
