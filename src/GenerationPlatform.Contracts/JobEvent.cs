namespace GenerationPlatform.Contracts;

/// <summary>One entry of a job's event log; <see cref="Index"/> is its position, so a watcher can resume from it.</summary>
[GenerateSerializer, Immutable]
public sealed record JobEvent(
    [property: Id(0)] int Index,
    [property: Id(1)] JobEventKind Kind,
    [property: Id(2)] DateTimeOffset At,
    [property: Id(3)] int Round,
    [property: Id(4)] long SearchNfe,
    [property: Id(5)] long FinalNfe,
    [property: Id(6)] long Budget,
    [property: Id(7)] double BestScore,
    [property: Id(8)] CandidateSummary[] Best,
    [property: Id(9)] string? Message = null,
    /// <summary>Rows through the network so far (guidance doubles them); what NFE cost in model calls.</summary>
    [property: Id(10)] long ModelEvaluations = 0,
    /// <summary>Small pictures of the first of <see cref="Best"/> (a progress event's, when its job asked for them; only the latest keeps them).</summary>
    [property: Id(11)] PreviewImage[]? Previews = null);
