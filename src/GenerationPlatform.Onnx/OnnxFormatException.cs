namespace GenerationPlatform.Onnx;

/// <summary>Thrown when an ONNX file is not the protobuf message this code expects.</summary>
public sealed class OnnxFormatException(string message) : Exception(message);
