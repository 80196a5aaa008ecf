namespace GenerationPlatform.Onnx;

/// <summary>ONNX tensor element types (onnx.proto3 TensorProto.DataType) this project writes.</summary>
public enum OnnxElementType
{
    Float = 1,
    Int64 = 7,
}
