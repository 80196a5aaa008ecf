namespace GenerationPlatform.Bench.Cluster;

/// <summary>One silo's figures over a topology's timed waves, as printed and written to --out.</summary>
internal sealed record SiloFigures(string Silo, string Role, int Pid, int? BatchCap, long NfeDone, long ModelCalls, double? MeanBatch, double? MeanFill, long JobsEnded,
    long VerifierImages, double CpuSeconds, double CoresUsed, long Messages = 0, long MessageBytes = 0);
