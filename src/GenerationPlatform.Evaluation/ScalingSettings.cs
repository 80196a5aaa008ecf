using GenerationPlatform.Core.Sampling;

namespace GenerationPlatform.Evaluation;

public sealed record ScalingSettings(int PerClass, int[] ExtraCandidates, int Steps = 10, SamplerKind Sampler = SamplerKind.Heun, float Guidance = 1.5f, ulong Seed = 1,
    int MaxBatch = 256);
