namespace GenerationPlatform.Text;

/// <summary>Footwear orientation: the side of the image the toe points to.</summary>
public static class Orientations
{
    public const string Left = "left";
    public const string Right = "right";

    public static string Opposite(string orientation) => orientation switch
    {
        Left => Right,
        Right => Left,
        _ => throw new ArgumentException($"unknown orientation '{orientation}'", nameof(orientation)),
    };
}
