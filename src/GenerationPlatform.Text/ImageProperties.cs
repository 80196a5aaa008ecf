namespace GenerationPlatform.Text;

/// <summary>
/// What a caption may say about one image: its class, and the properties the recipe assigned or a measurement found
/// confidently (null: not known, so never captioned).
/// </summary>
public sealed record ImageProperties(int Class, string? Colour = null, string? Orientation = null, string? Surface = null);
