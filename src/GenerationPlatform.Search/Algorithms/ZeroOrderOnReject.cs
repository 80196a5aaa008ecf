namespace GenerationPlatform.Search.Algorithms;

public enum ZeroOrderOnReject
{
    /// <summary>Keep the pivot and draw new neighbours of it.</summary>
    KeepPivot,
    /// <summary>Start again from a fresh noise, scored with the next round's neighbours.</summary>
    Restart,
}
