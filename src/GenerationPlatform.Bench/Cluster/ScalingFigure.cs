namespace GenerationPlatform.Bench.Cluster;

/// <summary>NFE/s with <see cref="DenoiserSilos"/> denoiser silos over one, and its target where the issue set one.</summary>
internal sealed record ScalingFigure(int DenoiserSilos, double Ratio, double? Target, bool? Met);
