namespace GenerationPlatform.Grains;

/// <summary>One link of a job's checkpoint chain: a <c>SearchCheckpoint.Payload</c>.</summary>
[GenerateSerializer]
public sealed record JobCheckpointLink
{
    [Id(0)] public byte[]? Payload { get; set; }
}
