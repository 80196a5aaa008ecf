using GenerationPlatform.Text.Vocabulary;

namespace GenerationPlatform.Text.Tests;

/// <summary>The vocabulary generator's rules, on the small WordNet of <see cref="SmallWordNet"/>.</summary>
public sealed class GarmentVocabularyGeneratorTests
{
    private static readonly GarmentHead[] ClassHeads =
    [
        new(FashionClasses.TShirt, 3595614, "T-shirt", "a close-fitting pullover shirt", "test"),
        new(FashionClasses.Trouser, 4489008, "trouser", "(usually in the plural)", "test"),
        new(FashionClasses.Pullover, 4370048, "sweater", "a crocheted or knitted garment", "test"),
        new(FashionClasses.Dress, 3236735, "dress", "a one-piece garment", "test"),
        new(FashionClasses.Coat, 3057021, "coat", "an outer garment", "test"),
        new(FashionClasses.Sandal, 4133789, "sandal", "a shoe consisting of a sole", "test"),
        new(FashionClasses.Shirt, 4197391, "shirt", "a garment worn on the upper half", "test"),
        new(FashionClasses.Bag, 2774152, "handbag", "a container used for carrying", "test"),
    ];

    private static readonly ColourHead[] ColourHeads =
    [
        new("red", 4962784, "red", "red color or pigment", "test"),
        new("green", 4967191, "green", "green color or pigment", "test"),
        new("cyan", 4968426, "teal", "a blue-green color", "test"),
        new("blue", 4968895, "blue", "blue color or pigment", "test"),
    ];

    private static VocabularyBuild Build(IEnumerable<VocabularyEntry>? hand = null) =>
        GarmentVocabularyGenerator.Build(SmallWordNet.Database, ClassHeads, ColourHeads, hand ?? [], "2026-01-01");

    private static VocabularyEntry? Word(VocabularyBuild build, string lemma) =>
        build.Vocabulary.Entries.SingleOrDefault(e => e.Key == GarmentVocabulary.Key(lemma));

    private static string? Dropped(VocabularyBuild build, string lemma) =>
        build.Dropped.FirstOrDefault(d => GarmentVocabulary.Key(d.Lemma) == GarmentVocabulary.Key(lemma))?.Reason;

    [Fact]
    public void HyponymsOfAHeadBelongToItsClassAndTheNearestHeadWins()
    {
        var build = Build();
        Assert.Equal(("Sandal", "n03364008", "n04133789 +1"), (Word(build, "flip-flop")!.Target, Word(build, "flip-flop")!.Synset, Word(build, "flip-flop")!.Source));
        Assert.Equal("Pullover", Word(build, "sweatshirt")!.Target);
        // The T-shirt is under shirt, but nearer its own head.
        Assert.Equal("T-shirt/top", Word(build, "tee shirt")!.Target);
        Assert.Equal("Coat", Word(build, "jacket")!.Target);
        Assert.Equal("Bag", Word(build, "clutch bag")!.Target);
        // A turtleneck is "a sweater or jersey": as near to the Pullover head as to the T-shirt one, so neither's.
        Assert.Null(Word(build, "turtleneck"));
        Assert.Contains("as near to heads of T-shirt/top and Pullover", Dropped(build, "turtleneck"));
    }

    [Fact]
    public void WordsOfTwoClassesOrWhoseCommonerSenseIsAnotherGarmentAreDropped()
    {
        var build = Build();
        Assert.Null(Word(build, "jumper"));          // a sweater, a pinafore (Dress) and a workman's jacket (Coat)
        Assert.Contains("Coat", Dropped(build, "jumper"));
        Assert.Null(Word(build, "sack"));            // a chemise (Dress) and a sacque (Coat)
        Assert.Null(Word(build, "thong"));           // a G-string before it is a flip-flop
        Assert.Contains("first a garment of no class", Dropped(build, "thong"));
        // "shorts" are underpants too, but WordNet lists the trousers first; "bag" is the class's own root.
        Assert.Equal("Trouser", Word(build, "shorts")!.Target);
        Assert.Equal("Bag", Word(build, "bag")!.Target);
    }

    [Fact]
    public void ColourWordsReservedWordsAndTheHandWrittenVocabularysWordsAreKeptOutOfClasses()
    {
        var build = Build();
        Assert.Null(Word(build, "white"));           // trousers of flannel or tweed in WordNet, a colour to the parser
        Assert.Null(Word(build, "blue jeans"));
        Assert.Contains("names a colour ('blue')", Dropped(build, "blue jeans"));
        // WordNet puts the tank top under shirt; the hand-written vocabulary (and Fashion-MNIST) make it a T-shirt/top.
        Assert.Null(Word(build, "tank top"));
        Assert.Contains("gives it to T-shirt/top", Dropped(build, "tank top"));
    }

    [Fact]
    public void TrousersArePluralAndPluralLemmasStaySo()
    {
        var build = Build();
        Assert.Equal(new ClassTerm("jeans", Plural: true), Word(build, "jeans")!.Term);
        Assert.Equal(new ClassTerm("denims", Plural: true), Word(build, "denim")!.Term);
        Assert.Equal(new ClassTerm("shorts", Plural: true), Word(build, "shorts")!.Term);
        Assert.Equal(new ClassTerm("flip-flop", Plural: false), Word(build, "flip-flop")!.Term);
    }

    [Fact]
    public void ColoursComeFromTheHeadsTreesAndTheirAdjectivesAndBlendsGiveNothing()
    {
        var build = Build();
        string? Hue(string w) => Word(build, w) is { Kind: VocabularyKind.Colour } e ? e.Target : null;
        Assert.Equal("red", Hue("crimson"));
        Assert.Equal("red", Hue("burgundy"));       // two steps below red
        Assert.Equal("red", Hue("reddish"));        // the red adjective
        // "scarlet, vermilion, orange red" blends red and orange, but "scarlet" is also in the red adjective.
        Assert.Equal("red", Hue("scarlet"));
        Assert.Equal(("a00381097", "adjective of n04962784"), (Word(build, "scarlet")!.Synset, Word(build, "scarlet")!.Source));
        Assert.Null(Hue("vermilion"));
        Assert.Null(Hue("magenta"));                // under the blend "purplish red", which passes nothing on
        Assert.Null(Hue("turquoise"));              // "greenish blue, turquoise" is a blend
        Assert.Equal("blue", Hue("navy"));
        Assert.Equal("blue", Hue("azure"));
        // Cyan's head "bluish green, teal" is under green, but nearer its own head; it loses only its words naming blue.
        Assert.Equal("cyan", Hue("teal"));
        Assert.Equal("cyan", Hue("cyan"));
        Assert.Null(Hue("blue green"));
        Assert.Equal("green", Hue("greenish"));
        Assert.Null(Hue("redness"));
        Assert.Contains("quality", Dropped(build, "redness"));
    }

    [Fact]
    public void TheSplitForcesTrainingTermsParaphrasesAndSynonymsAndHoldsOutAFifthOfTheRestByHash()
    {
        var build = Build();
        Assert.Equal((VocabularySplit.Train, "training-term"), (Word(build, "sweater")!.Split, Word(build, "sweater")!.SplitReason));
        Assert.Equal((VocabularySplit.Train, "training-term"), (Word(build, "pants")!.Split, Word(build, "pants")!.SplitReason));
        Assert.Equal((VocabularySplit.Train, "palette-name"), (Word(build, "red")!.Split, Word(build, "red")!.SplitReason));
        Assert.Equal((VocabularySplit.HeldOut, "benchmark-paraphrase"), (Word(build, "flip-flop")!.Split, Word(build, "flip-flop")!.SplitReason));
        Assert.Equal((VocabularySplit.HeldOut, "benchmark-paraphrase"), (Word(build, "jeans")!.Split, Word(build, "jeans")!.SplitReason));
        Assert.Equal((VocabularySplit.HeldOut, "projection-synonym"), (Word(build, "espadrille")!.Split, Word(build, "espadrille")!.SplitReason));
        Assert.Equal((VocabularySplit.HeldOut, "projection-synonym"), (Word(build, "clutch bag")!.Split, Word(build, "clutch bag")!.SplitReason));
        foreach (var group in build.Vocabulary.Entries.Where(e => e.SplitReason == "hash").GroupBy(e => (e.Kind, e.Target)))
        {
            var ordered = group.OrderBy(e => GarmentVocabularyGenerator.SplitHash(e.Key)).ThenBy(e => e.Key, StringComparer.Ordinal).ToList();
            int k = GarmentVocabularyGenerator.HeldOutCount(ordered.Count);
            Assert.Equal(ordered.Select((e, i) => i < k ? VocabularySplit.HeldOut : VocabularySplit.Train), ordered.Select(e => e.Split));
        }
        Assert.Equal([0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 4], new[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 20 }.Select(GarmentVocabularyGenerator.HeldOutCount));
    }

    [Fact]
    public void TheHashIsFixedAndHoldsOutAboutAFifth()
    {
        Assert.Equal(GarmentVocabularyGenerator.SplitHash("flip flop"), GarmentVocabularyGenerator.SplitHash("flip flop"));
        Assert.NotEqual(GarmentVocabularyGenerator.SplitHash("flip flop"), GarmentVocabularyGenerator.SplitHash("flip flops"));
        // The value itself is part of the committed split: a change of hash would move words between the sides.
        Assert.Equal(StableHash.Mix(0xCBF29CE484222325UL, GarmentVocabularyGenerator.SplitSalt), GarmentVocabularyGenerator.SplitHash(""));
    }

    [Fact]
    public void AWordContainingAHeldOutWordIsHeldOutToo()
    {
        var hand = new[]
        {
            new VocabularyEntry(VocabularyKind.Class, "Sandal", "zori", false, VocabularySplit.Train, "-", VocabularyEntry.HandSource, "hash"),
            new VocabularyEntry(VocabularyKind.Class, "Sandal", "flip-flop sandal", false, VocabularySplit.Train, "-", VocabularyEntry.HandSource, "hash"),
        };
        var build = Build(hand);
        Assert.Equal((VocabularySplit.HeldOut, "benchmark-paraphrase", VocabularyEntry.HandSource),
            (Word(build, "flip-flop sandal")!.Split, Word(build, "flip-flop sandal")!.SplitReason, Word(build, "flip-flop sandal")!.Source));
        var trained = build.Vocabulary.Entries.Where(e => e.Split == VocabularySplit.Train).Select(e => " " + e.Key + " ").ToList();
        foreach (var h in build.Vocabulary.Entries.Where(e => e.Split == VocabularySplit.HeldOut))
            Assert.DoesNotContain(trained, t => t.Contains(" " + h.Key + " ", StringComparison.Ordinal));
    }

    [Fact]
    public void HandRowsAreKeptAndReplaceAWordNetRowOfTheSameWord()
    {
        var hand = new[]
        {
            new VocabularyEntry(VocabularyKind.Class, "Sandal", "slide sandal", false, VocabularySplit.HeldOut, "-", VocabularyEntry.HandSource, "anything"),
            new VocabularyEntry(VocabularyKind.Class, "Trouser", "denims", true, VocabularySplit.HeldOut, "-", VocabularyEntry.HandSource, "anything"),
            new VocabularyEntry(VocabularyKind.Class, "Coat", "duster", false, VocabularySplit.Train, "n00000001", "n00000002 +1", "hash"),
        };
        var build = Build(hand);
        Assert.Equal(("Sandal", "-", VocabularyEntry.HandSource), (Word(build, "slide sandal")!.Target, Word(build, "slide sandal")!.Synset, Word(build, "slide sandal")!.Source));
        Assert.Equal(VocabularyEntry.HandSource, Word(build, "denims")!.Source);
        Assert.Single(build.Vocabulary.Entries, e => e.Key == "denim");
        Assert.Null(Word(build, "duster"));         // not a hand row: WordNet rows come from WordNet only
        Assert.Equal(Build(hand).Vocabulary.ToTsv(), build.Vocabulary.ToTsv());
        Assert.Equal(build.Vocabulary.ToTsv(), GarmentVocabularyGenerator.Build(SmallWordNet.Database, ClassHeads, ColourHeads,
            GarmentVocabulary.Parse(build.Vocabulary.ToTsv()).Entries, "2026-01-01").Vocabulary.ToTsv());
    }

    [Fact]
    public void AHeadMustBeTheSynsetItSaysAndReachItsClasssRoot()
    {
        var db = SmallWordNet.Database;
        Assert.Throws<InvalidOperationException>(() => GarmentVocabularyGenerator.Build(db,
            [new(FashionClasses.Sandal, 4133789, "sandal", "a boot", "wrong gloss")], [], [], "d"));
        Assert.Throws<InvalidOperationException>(() => GarmentVocabularyGenerator.Build(db,
            [new(FashionClasses.Sandal, 4133789, "slipper", "a shoe", "wrong word")], [], [], "d"));
        // The leather thong is no footwear.
        Assert.Throws<InvalidOperationException>(() => GarmentVocabularyGenerator.Build(db,
            [new(FashionClasses.Sandal, 3643907, "thong", "a", "not footwear")], [], [], "d"));
        Assert.Throws<InvalidOperationException>(() => GarmentVocabularyGenerator.Build(db, [], [new("mauve", 4962784, "red", "red", "not a palette colour")], [], "d"));
    }

    [Fact]
    public void TheFileRecordsItsSourceLicenseCountsAndDroppedWords()
    {
        var build = Build();
        var header = build.Vocabulary.Header;
        Assert.Contains(header, h => h == GarmentVocabulary.GeneratedPrefix + "2026-01-01");
        Assert.Contains(header, h => h.Contains(GarmentVocabularyGenerator.RegenerateCommand, StringComparison.Ordinal));
        Assert.Contains(header, h => h.StartsWith("# Sandal: ", StringComparison.Ordinal));
        Assert.Contains(header, h => h.StartsWith("#   thong (Sandal): ", StringComparison.Ordinal));
        Assert.Equal("2026-01-01", GarmentVocabulary.Parse(build.Vocabulary.ToTsv()).GeneratedOn);
    }
}
