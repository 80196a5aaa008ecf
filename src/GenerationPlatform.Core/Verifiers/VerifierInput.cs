using GenerationPlatform.Core.Model;

namespace GenerationPlatform.Core.Verifiers;

/// <summary>
/// What a verifier scores: a final image in [-1, 1] of the model's <see cref="Shape"/> (channel-major
/// [C, H, W]; null: one square grayscale channel), the requested class (class models) or prompt (text
/// models; the label is then -1 unless the prompt names a class the caller knows), and, for verifiers
/// that need it, the x0-prediction seen at a probe time on the way down. <see cref="Time"/> is 0 for a finished image; an
/// x0-prediction scored for early ranking carries the time it was taken at (t = 1 is noise), which only a verifier that
/// <see cref="IImageVerifier.RanksNoisyInputs"/> reads (it then predicts the finished image's score).
/// </summary>
public sealed record VerifierInput(float[] Image, int Label, float[]? ProbeX0 = null, ImageShape? Shape = null, string? Prompt = null, float Time = 0f);
