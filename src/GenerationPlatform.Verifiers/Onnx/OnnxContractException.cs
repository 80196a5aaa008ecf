namespace GenerationPlatform.Verifiers.Onnx;

/// <summary>Thrown when an ONNX verifier's model does not match its declared contract; the message names the key and what differs.</summary>
public sealed class OnnxContractException(string message) : Exception(message);
