namespace GenerationPlatform.Onnx;

/// <summary>Thrown when the requested execution provider cannot be had.</summary>
public sealed class OnnxDeviceException(string message) : Exception(message);
