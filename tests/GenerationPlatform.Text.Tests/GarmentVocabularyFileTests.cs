using System.Globalization;
using GenerationPlatform.Text.Vocabulary;
using Xunit.Abstractions;

namespace GenerationPlatform.Text.Tests;

/// <summary>The committed garment vocabulary: what the generator makes from WordNet, and what it promises without WordNet.</summary>
public sealed class GarmentVocabularyFileTests(ITestOutputHelper output)
{
    private static string CommittedPath => Path.Combine(RepositoryFiles.Root(), GarmentVocabulary.RelativePath);

    private static string Padded(string key) => " " + key + " ";

    /// <summary>
    /// The committed file is what the generator makes from the installed WordNet (with the committed hand rows and date).
    /// To regenerate it after changing the generator or adding hand rows (it is dated today then):
    /// GENPLAT_WRITE_VOCABULARY=1 dotnet test tests/GenerationPlatform.Text.Tests -c Release --filter FullyQualifiedName~CommittedFileMatchesTheGeneratorOnTheInstalledWordNet
    /// </summary>
    [WordNetFact]
    public void CommittedFileMatchesTheGeneratorOnTheInstalledWordNet()
    {
        var db = WordNetDatabase.Load(WordNetDatabase.DebianDirectory);
        Assert.Contains(db.License, l => l.StartsWith("WordNet 3.0 Copyright 2006 by Princeton University", StringComparison.Ordinal));
        var committed = File.Exists(CommittedPath) ? GarmentVocabulary.Parse(File.ReadAllText(CommittedPath)) : null;
        bool write = Environment.GetEnvironmentVariable("GENPLAT_WRITE_VOCABULARY") == "1";
        var date = write || committed?.GeneratedOn is null ? DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : committed.GeneratedOn;
        var build = GarmentVocabularyGenerator.Build(db, committed?.Entries ?? [], date);
        var expected = build.Vocabulary.ToTsv();
        if (write) File.WriteAllText(CommittedPath, expected);
        foreach (var line in build.Vocabulary.Header.Where(h => h.Contains(" train, ", StringComparison.Ordinal))) output.WriteLine(line);
        output.WriteLine($"{build.Dropped.Count} words dropped");
        Assert.True(committed is not null, $"{CommittedPath} is missing; regenerate it with GENPLAT_WRITE_VOCABULARY=1");
        Assert.Equal(expected, File.ReadAllText(CommittedPath));
    }

    [Fact]
    public void TheEmbeddedVocabularyIsTheCommittedFile()
    {
        Assert.Equal(File.ReadAllText(CommittedPath), GarmentVocabulary.Shipped.ToTsv());
        Assert.Equal(GarmentVocabulary.Shipped.ToTsv(), GarmentVocabulary.Parse(GarmentVocabulary.Shipped.ToTsv()).ToTsv());
    }

    [Fact]
    public void EveryClassAndColourHasWordsOnBothSidesAboutFourFifthsTrained()
    {
        var v = GarmentVocabulary.Shipped;
        Assert.Contains(v.Header, h => h.StartsWith("# Source: WordNet 3.0", StringComparison.Ordinal));
        Assert.Contains(v.Header, h => h.Contains("WordNet 3.0 Copyright 2006 by Princeton University", StringComparison.Ordinal));
        for (int c = 0; c < FashionClasses.Count; c++)
        {
            int train = v.ClassTerms(c, VocabularySplit.Train).Count, heldOut = v.ClassTerms(c, VocabularySplit.HeldOut).Count;
            output.WriteLine($"{FashionClasses.Names[c]}: {train} train, {heldOut} held-out");
            Assert.True(train >= 2, $"{FashionClasses.Names[c]}: {train} training words");
            Assert.True(heldOut >= 2, $"{FashionClasses.Names[c]}: {heldOut} held-out words");
        }
        // Of each class's (colour's) words the split was free for, the HeldOutCount with the smallest hashes are held out; the rest
        // are trained on unless they contain a held-out word.
        foreach (var group in v.Entries.Where(e => e.SplitReason == "hash" || e.SplitReason.StartsWith("contains", StringComparison.Ordinal)).GroupBy(e => (e.Kind, e.Target)))
        {
            var ordered = group.OrderBy(e => GarmentVocabularyGenerator.SplitHash(e.Key)).ThenBy(e => e.Key, StringComparer.Ordinal).ToList();
            int k = GarmentVocabularyGenerator.HeldOutCount(ordered.Count);
            Assert.All(ordered.Take(k), e => Assert.Equal((VocabularySplit.HeldOut, "hash"), (e.Split, e.SplitReason)));
            Assert.All(ordered.Skip(k), e => Assert.Equal(e.SplitReason == "hash" ? VocabularySplit.Train : VocabularySplit.HeldOut, e.Split));
        }
        foreach (var p in ColourFashion.Palette)
            Assert.Contains(p.Name, v.ColourWords(p.Name, VocabularySplit.Train));
        Assert.True(ColourFashion.Palette.Count(p => v.ColourWords(p.Name, VocabularySplit.HeldOut).Count > 0) >= 6, "held-out colour words for most of the palette");
    }

    [Fact]
    public void TheIssuesExamplesAreThere()
    {
        var v = GarmentVocabulary.Shipped;
        string? Target(VocabularyKind kind, string word) => v.Entries.SingleOrDefault(e => e.Kind == kind && e.Key == GarmentVocabulary.Key(word))?.Target;
        Assert.Equal("Sandal", Target(VocabularyKind.Class, "flip-flop"));
        Assert.Equal("Sandal", Target(VocabularyKind.Class, "espadrille"));
        Assert.Equal("Sandal", Target(VocabularyKind.Class, "zori"));
        Assert.Equal("Trouser", Target(VocabularyKind.Class, "jeans"));
        Assert.Equal("Trouser", Target(VocabularyKind.Class, "slacks"));
        Assert.Equal("Trouser", Target(VocabularyKind.Class, "breeches"));
        Assert.Equal("Pullover", Target(VocabularyKind.Class, "sweatshirt"));
        Assert.Equal("Bag", Target(VocabularyKind.Class, "purse"));
        Assert.Equal("Bag", Target(VocabularyKind.Class, "pocketbook"));
        Assert.Equal("red", Target(VocabularyKind.Colour, "crimson"));
        Assert.Equal("red", Target(VocabularyKind.Colour, "scarlet"));
        Assert.Equal("blue", Target(VocabularyKind.Colour, "navy"));
        Assert.Equal("blue", Target(VocabularyKind.Colour, "azure"));
        // "jumper" is a sweater, a pinafore dress and a workman's jacket in WordNet: no class gets it.
        Assert.Null(Target(VocabularyKind.Class, "jumper"));
    }

    [Fact]
    public void BenchmarkParaphrasesAndProjectionSynonymsAreHeldOutAndTrainingTermsTrained()
    {
        var v = GarmentVocabulary.Shipped;
        var paraphrases = ClassVocabulary.BenchmarkParaphrases.SelectMany(t => t).Concat(ClassVocabulary.ProjectionSynonyms.SelectMany(t => t))
            .Select(t => GarmentVocabulary.Key(t.Text)).ToList();
        var terms = ClassVocabulary.TrainingTerms.SelectMany(t => t).Select(t => GarmentVocabulary.Key(t.Text)).ToList();
        foreach (var e in v.Entries)
        {
            if (paraphrases.Any(p => Padded(e.Key).Contains(Padded(p), StringComparison.Ordinal)))
                Assert.True(e.Split == VocabularySplit.HeldOut, $"'{e.Lemma}' ({e.SplitReason})");
            if (terms.Any(t => Padded(t).Contains(Padded(e.Key), StringComparison.Ordinal))) Assert.True(e.Split == VocabularySplit.Train, $"'{e.Lemma}' ({e.SplitReason})");
        }
    }

    [Fact]
    public void NoHeldOutWordIsInsideATrainedWordATrainingTermOrAPaletteName()
    {
        var v = GarmentVocabulary.Shipped;
        var trained = v.Entries.Where(e => e.Split == VocabularySplit.Train).Select(e => e.Key)
            .Concat(ClassVocabulary.TrainingTerms.SelectMany(t => t).Select(t => GarmentVocabulary.Key(t.Text)))
            .Concat(ColourFashion.Palette.Select(p => p.Name)).Select(Padded).ToList();
        foreach (var h in v.Entries.Where(e => e.Split == VocabularySplit.HeldOut))
            Assert.DoesNotContain(trained, t => t.Contains(Padded(h.Key), StringComparison.Ordinal));
    }

    [Fact]
    public void TheParserReadsEveryWordAsWhatTheVocabularySays()
    {
        foreach (var e in GarmentVocabulary.Shipped.Entries)
        {
            var prompt = e.Kind == VocabularyKind.Class
                ? CaptionGenerator.Describe(e.Term, null, null, null, new DeterministicRandom(1))
                : CaptionGenerator.Describe(new ClassTerm("coat"), e.Lemma, null, null, new DeterministicRandom(1));
            var parsed = PromptParser.Parse(prompt);
            Assert.True(parsed.Understood, $"'{prompt}': {string.Join("; ", parsed.Unparsed)}");
            if (e.Kind == VocabularyKind.Class) Assert.Equal(e.ClassIndex, parsed.Class);
            else Assert.Equal((FashionClasses.Coat, e.Target), (parsed.Class!.Value, parsed.Colour));
        }
    }

    [Fact]
    public void ParseRefusesMalformedFiles()
    {
        const string h = GarmentVocabulary.ColumnHeader;
        Assert.Throws<FormatException>(() => GarmentVocabulary.Parse("# only a comment\n"));
        Assert.Throws<FormatException>(() => GarmentVocabulary.Parse(h + "\nclass\tSandal\tzori\tno\ttrain\n"));
        Assert.Throws<FormatException>(() => GarmentVocabulary.Parse(h + "\nclass\tHat\tfedora\tno\ttrain\t-\thand\thash\n"));
        Assert.Throws<FormatException>(() => GarmentVocabulary.Parse(h + "\ncolour\tmauve\tlilac\tno\ttrain\t-\thand\thash\n"));
        Assert.Throws<FormatException>(() => GarmentVocabulary.Parse(h + "\nclass\tSandal\tzori\tmaybe\ttrain\t-\thand\thash\n"));
        Assert.Throws<FormatException>(() => GarmentVocabulary.Parse(h + "\nclass\tSandal\tzori\tno\ttest\t-\thand\thash\n"));
        Assert.Throws<FormatException>(() => GarmentVocabulary.Parse(h + "\nclass\tSandal\tmule\tno\ttrain\t-\thand\thash\nclass\tSandal\tmules\tno\ttrain\t-\thand\thash\n"));
        var one = GarmentVocabulary.Parse("# a comment\n" + h + "\nclass\tSandal\tzori\tno\ttrain\t-\thand\thash\n");
        Assert.Equal(new ClassTerm("zori"), Assert.Single(one.ClassTerms(FashionClasses.Sandal, VocabularySplit.Train)));
        Assert.Equal("# a comment\n" + h + "\nclass\tSandal\tzori\tno\ttrain\t-\thand\thash\n", one.ToTsv());
    }
}
