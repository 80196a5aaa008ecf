namespace GenerationPlatform.Text;

/// <summary>One row of the prompt benchmark: the prompt and what it asks (null: not asked).</summary>
public sealed record BenchmarkPrompt(string Id, string Category, string Prompt, int Class, string? Colour, string? Orientation, string? Surface)
{
    /// <summary>What the prompt asks, as the attributes check reads it.</summary>
    public ImageProperties Asked => new(Class, Colour, Orientation, Surface);
}
