namespace GenerationPlatform.Diffusion.Models;

/// <summary>How networks are opened: device ("cpu", "cuda" or "auto") and threads for ONNX Runtime (0: its choice).</summary>
public sealed record ModelLoadSettings(string Device = "cpu", int Threads = 0)
{
    /// <summary>The onnx backend's network; null: <see cref="ModelLoader.DefaultOnnxFactory"/>.</summary>
    public OnnxNetworkFactory? OnnxFactory { get; init; }
}
