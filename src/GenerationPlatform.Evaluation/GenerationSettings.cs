using GenerationPlatform.Core.Sampling;

namespace GenerationPlatform.Evaluation;

public sealed record GenerationSettings(float Guidance, SamplerKind Sampler, int Steps, int PerClass, ulong Seed);
