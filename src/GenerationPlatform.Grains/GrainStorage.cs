namespace GenerationPlatform.Grains;

/// <summary>Names shared by the grains and the hosts that configure them.</summary>
public static class GrainStorage
{
    /// <summary>The grain storage provider holding job and tenant state (in memory embedded, Azure Table in a cluster).</summary>
    public const string Name = "genplat";

    /// <summary>
    /// The grain storage provider holding running jobs' checkpoints (in memory embedded, Azure Blob in a cluster):
    /// a checkpoint holds every kept trajectory's state, megabytes for the largest admissible jobs, past an Azure Table entity.
    /// </summary>
    public const string Checkpoints = "genplat-checkpoints";
}
