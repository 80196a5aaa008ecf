using GenerationPlatform.Core.Model;

namespace GenerationPlatform.Core.Models;

/// <summary>
/// The decoder of a latent model: an ONNX network mapping final latents [N, Cl, Hl, Wl] to images [N, C, H, W].
/// The denoiser's latents are the decoder's inputs scaled: decoder input = latent / <see cref="ScaleFactor"/> + <see cref="ShiftFactor"/>.
/// </summary>
public sealed record DecoderSpec(string Weights, ImageShape Latent, double ScaleFactor = 1.0, double ShiftFactor = 0.0);
