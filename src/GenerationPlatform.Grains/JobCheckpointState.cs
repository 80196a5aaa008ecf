namespace GenerationPlatform.Grains;

/// <summary>A running job's last checkpoint (<c>SearchCheckpoint.Payload</c>), kept apart from the job's small state.</summary>
[GenerateSerializer]
public sealed record JobCheckpointState
{
    [Id(0)] public byte[]? Payload { get; set; }
    [Id(1)] public int Round { get; set; }
}
