namespace GenerationPlatform.Bench;

/// <summary>One benchmark job as its client saw it: the NFE it was charged, its latency and its best image's score.</summary>
internal sealed record JobRun(long Nfe, double Seconds, double Top);
