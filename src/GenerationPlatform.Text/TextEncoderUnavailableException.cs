namespace GenerationPlatform.Text;

/// <summary>Thrown for a known text encoder whose files this build does not carry; the message names them and how to get them.</summary>
public sealed class TextEncoderUnavailableException(string message) : Exception(message);
