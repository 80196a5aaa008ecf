using GenerationPlatform.Core.Model;

namespace GenerationPlatform.Core.Verifiers;

/// <summary>
/// Which models' images a verifier can score, known without loading it: what it reads of the condition (the classes it
/// knows, prompts), the image shapes it takes, and what it costs. <see cref="Problem"/> is what the edge and the CLI ask
/// before any work is spent, so that a search never runs to its end only for its verifier to refuse the images.
/// </summary>
/// <param name="Classes">
/// The class names whose labels it scores, in label order; empty: the labels of any class model (an operator's ONNX
/// classifier, whose classes are its own); null: it reads no class label.
/// </param>
/// <param name="ReadsPrompts">It scores images against a text model's prompt.</param>
/// <param name="NeedsCondition">False for a verifier that scores an image by itself (it then suits any model).</param>
/// <param name="Channels">The channel counts it takes (empty: any).</param>
/// <param name="Side">The only height and width it takes (null: it resizes any size).</param>
/// <param name="RanksNoisyInputs">It has a noise-aware head for x0-predictions on the way down (SEARCH.md section 3.4).</param>
/// <param name="FlopsPerImage">FLOPs to score one finished image (0: not known).</param>
/// <param name="FlopsPerNoisyImage">FLOPs to score one x0-prediction with its noise-aware head (0: as a finished image).</param>
public sealed record VerifierScope(
    IReadOnlyList<string>? Classes,
    bool ReadsPrompts,
    bool NeedsCondition = true,
    IReadOnlyList<int>? Channels = null,
    int? Side = null,
    bool RanksNoisyInputs = false,
    double FlopsPerImage = 0,
    double FlopsPerNoisyImage = 0)
{
    /// <summary>The members of an ensemble, each of which must suit the model; empty for a single verifier.</summary>
    public IReadOnlyList<VerifierScope> Members { get; private init; } = [];

    /// <summary>Scores any image by itself.</summary>
    public static VerifierScope Unconditional { get; } = new(null, ReadsPrompts: false, NeedsCondition: false);

    /// <summary>
    /// An ensemble: every member scores every image (their FLOPs add; unknown when any member's is), and its scores
    /// are ranks within a call, so it has no noise-aware head.
    /// </summary>
    public static VerifierScope Ensemble(IReadOnlyList<VerifierScope> members)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(members.Count, 2);
        bool known = members.All(m => m.FlopsPerImage > 0);
        return new VerifierScope(null, ReadsPrompts: false, NeedsCondition: false,
            FlopsPerImage: known ? members.Sum(m => m.FlopsPerImage) : 0)
        { Members = members.ToArray() };
    }

    /// <summary>FLOPs of one x0-prediction's score.</summary>
    public double NoisyFlops => FlopsPerNoisyImage > 0 ? FlopsPerNoisyImage : FlopsPerImage;

    /// <summary>Null when it can score <paramref name="model"/>'s images for that model's conditions, else why not (one clause).</summary>
    public string? Problem(ModelDescription model)
    {
        if (Members.Count > 0) return Members.Select(m => m.Problem(model)).FirstOrDefault(p => p is not null);
        var image = model.ImageShape;
        if (Channels is { Count: > 0 } channels && !channels.Contains(image.Channels))
            return $"it scores images of {string.Join(" or ", channels)} channels and model '{model.Name}' makes {image.Channels}";
        if (Side is { } side && (image.Height != side || image.Width != side))
            return $"it scores {side}x{side} images and model '{model.Name}' makes {image.Height}x{image.Width}";
        if (!NeedsCondition) return null;
        if (model.Conditioning.IsText)
            return ReadsPrompts ? null : $"it scores class labels and model '{model.Name}' is conditioned on prompts";
        if (Classes is null) return $"it scores prompts and model '{model.Name}' is conditioned on classes";
        if (Classes.Count == 0) return null;
        var names = model.Conditioning.ClassNames;
        bool same = names.Count == Classes.Count && names.Zip(Classes).All(p => string.Equals(p.First, p.Second, StringComparison.OrdinalIgnoreCase));
        return same ? null : $"it knows the {Classes.Count} classes {Listed(Classes)} and model '{model.Name}' has {names.Count}: {Listed(names)}";
    }

    private static string Listed(IReadOnlyList<string> names) => string.Join(", ", names.Take(10)) + (names.Count > 10 ? ", ..." : "");
}
