namespace GenerationPlatform.Text;

/// <summary>
/// The result of <see cref="AttributeCheck.Score"/>: how many asked properties the image has. For a prompt that was not
/// understood, nothing is asked or met and <see cref="Fraction"/> is null: the score says so rather than guessing.
/// </summary>
public sealed record AttributeScore(int Met, int Asked, bool Understood, IReadOnlyList<PropertyCheck> Checks, IReadOnlyList<string> Reasons)
{
    /// <summary>Met / Asked in [0, 1], or null when the prompt was not understood.</summary>
    public double? Fraction => Understood && Asked > 0 ? (double)Met / Asked : null;

    /// <summary>Every asked property is met (false when not understood).</summary>
    public bool AllMet => Understood && Asked > 0 && Met == Asked;
}
