namespace GenerationPlatform.Onnx;

/// <summary>One field of a protobuf message: its number, wire type, where it lies and its payload.</summary>
public readonly record struct ProtoField(int Number, int WireType, int Start, int End, int PayloadStart, ulong Varint)
{
    public const int VarintType = 0, Fixed64Type = 1, LengthDelimitedType = 2, Fixed32Type = 5;

    public int PayloadLength => End - PayloadStart;
}
