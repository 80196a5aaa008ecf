namespace GenerationPlatform.Text;

/// <summary>One asked property checked against an image.</summary>
/// <param name="Property">class, colour, orientation or surface.</param>
/// <param name="Asked">The value the prompt asks.</param>
/// <param name="Found">What the classifier or measurement found, or null when nothing confident.</param>
/// <param name="Met">Whether the image has it.</param>
public sealed record PropertyCheck(string Property, string Asked, string? Found, bool Met);
