namespace GenerationPlatform.Text;

/// <summary>
/// The words for each class. <see cref="TrainingTerms"/> are the only class words training captions use (the first is
/// the class's plain name); <see cref="BenchmarkParaphrases"/> never appear in training captions and are kept for the
/// prompt benchmark's class-paraphrase category, so it measures whether the text encoder carries the model to words it
/// never trained on. <see cref="ProjectionSynonyms"/> are more words per class that the U-Net's training captions never
/// used either: `genplat-research tune-text-projection` teaches the text model's prompt projection to map captions with them to
/// where the same captions with a training term land, so that words near them in the sentence encoder's space follow;
/// they are disjoint from the benchmark's paraphrases, which stay held out. The parser knows all three.
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

    /// <summary>
    /// Per class, synonyms used only to tune the text projection (never in the U-Net's captions, never a benchmark
    /// paraphrase, none of them a "... shoe" or a word of a paraphrase). The last of each class is kept out of the tuning
    /// and only measures whether it carries to a word it did not see.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<ClassTerm>> ProjectionSynonyms { get; } =
    [
        [new("camisole"), new("sleeveless top"), new("short-sleeved top"), new("vest top"), new("graphic tee")],
        [new("leggings", Plural: true), new("sweatpants", Plural: true), new("joggers", Plural: true), new("cargo pants", Plural: true), new("culottes", Plural: true)],
        [new("cardigan"), new("turtleneck"), new("knit sweater"), new("roll-neck"), new("fleece")],
        [new("maxi dress"), new("cocktail dress"), new("evening dress"), new("pinafore"), new("kaftan")],
        [new("anorak"), new("trench coat"), new("windbreaker"), new("puffer jacket"), new("peacoat")],
        [new("slide"), new("espadrille"), new("gladiator sandal"), new("slingback"), new("mule")],
        [new("dress shirt"), new("flannel shirt"), new("polo shirt"), new("work shirt"), new("tunic")],
        [new("high-top"), new("low-top"), new("plimsoll"), new("canvas sneaker"), new("skate sneaker")],
        [new("backpack"), new("clutch"), new("shoulder bag"), new("messenger bag"), new("briefcase")],
        [new("combat boot"), new("hiking boot"), new("cowboy boot"), new("work boot"), new("desert boot")],
    ];
}
