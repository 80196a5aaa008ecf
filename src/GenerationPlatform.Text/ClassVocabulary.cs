namespace GenerationPlatform.Text;

/// <summary>
/// The words for each class. <see cref="TrainingTerms"/> are the only class words training captions use (the first is
/// the class's plain name); <see cref="BenchmarkParaphrases"/> never appear in training captions and are kept for the
/// prompt benchmark's class-paraphrase category, so it measures whether the text encoder carries the model to words it
/// never trained on. The parser knows both.
/// </summary>
public static class ClassVocabulary
{
    /// <summary>Per class, the terms training captions draw from.</summary>
    public static IReadOnlyList<IReadOnlyList<ClassTerm>> TrainingTerms { get; } =
    [
        [new("T-shirt"), new("top"), new("tee")],
        [new("trousers", Plural: true), new("pants", Plural: true)],
        [new("pullover"), new("sweater")],
        [new("dress")],
        [new("coat"), new("jacket")],
        [new("sandal")],
        [new("shirt"), new("button-up shirt")],
        [new("sneaker"), new("trainer")],
        [new("bag"), new("handbag")],
        [new("ankle boot"), new("boot")],
    ];

    /// <summary>Per class, held-out paraphrases: used only by the prompt benchmark, never by training captions.</summary>
    public static IReadOnlyList<IReadOnlyList<ClassTerm>> BenchmarkParaphrases { get; } =
    [
        [new("tank top"), new("crew-neck tee"), new("singlet")],
        [new("slacks", Plural: true), new("jeans", Plural: true), new("chinos", Plural: true)],
        [new("jumper"), new("sweatshirt"), new("hoodie")],
        [new("frock"), new("gown"), new("sundress")],
        [new("overcoat"), new("parka"), new("raincoat")],
        [new("flip-flop"), new("open-toe shoe"), new("strappy heel")],
        [new("blouse"), new("button-down"), new("oxford shirt")],
        [new("running shoe"), new("athletic shoe"), new("tennis shoe")],
        [new("purse"), new("tote"), new("satchel")],
        [new("bootie"), new("chelsea boot"), new("short boot")],
    ];
}
