namespace GenerationPlatform.Storage;

/// <summary>
/// One job in its tenant's job index (<see cref="IJobIndex"/>): what a listing shows without asking the job itself.
/// Written when the job is accepted and again when it ends (<see cref="FinishedAt"/> set).
/// </summary>
public sealed record JobIndexEntry(
    string TenantId,
    string JobId,
    DateTimeOffset AcceptedAt,
    JobIndexState State,
    string Model,
    string Algorithm,
    long BudgetNfe,
    long SpentNfe = 0,
    DateTimeOffset? FinishedAt = null)
{
    /// <summary>Its place in the tenant's listing: newest first (<see cref="JobIndexKeys.Position"/>).</summary>
    public string Position => JobIndexKeys.Position(AcceptedAt, JobId);
}
