using GenerationPlatform.Diffusion.Model;
using GenerationPlatform.Core.Model;

namespace GenerationPlatform.Diffusion.Models;

/// <summary>
/// Opens an ONNX denoiser for the onnx backend: the ONNX file, the state shape and conditioning it must take, the
/// device ("cpu", "cuda" or "auto") and intra-op threads (0: ONNX Runtime's choice). It validates the graph against
/// the shape and conditioning and throws a <see cref="ModelLoadException"/> when they do not match.
/// </summary>
public delegate IVelocityNetwork OnnxNetworkFactory(string onnxPath, ImageShape shape, Conditioning conditioning, string device, int threads);
