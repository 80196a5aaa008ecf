using GenerationPlatform.Text.Vocabulary;

namespace GenerationPlatform.Text.Tests;

/// <summary>Our reader of the WordNet 3.0 database format (wndb(5)), on lines copied from the database.</summary>
public sealed class WordNetDatabaseTests
{
    [Fact]
    public void ADataLineGivesItsOffsetWordsPointersAndGloss()
    {
        var s = WordNetSynset.Parse("04133789 06 n 01 sandal 0 007 @ 04199027 n 0000 ~ 03297103 n 0000 ~ 03364008 n 0000 ~ 03547530 n 0000 ~ 04027706 n 0000 "
            + "~ 04156411 n 0000 ~ 04386664 n 0000 | a shoe consisting of a sole fastened by straps to the foot  ");
        Assert.Equal(4133789, s.Offset);
        Assert.Equal(6, s.LexFileNumber);
        Assert.Equal('n', s.PartOfSpeech);
        Assert.Equal(new WordNetWord("sandal", 0, null), Assert.Single(s.Words));
        Assert.Equal(7, s.Pointers.Count);
        Assert.Equal(new WordNetPointer("@", 4199027, 'n', 0, 0), s.Pointers[0]);
        Assert.Equal([3297103L, 3364008, 3547530, 4027706, 4156411, 4386664], s.Targets(WordNetPointerSymbols.Hyponym, 'n'));
        Assert.Equal("a shoe consisting of a sole fastened by straps to the foot", s.Gloss);
    }

    [Fact]
    public void WordsKeepTheirSpellingLexIdsAndMarkersAndLexicalPointersTheirWordNumbers()
    {
        var s = WordNetSynset.Parse("03595614 06 n 03 jersey 1 T-shirt 0 tee_shirt 0 002 @ 04197391 n 0000 ~ 04502197 n 0000 | a close-fitting pullover shirt  ");
        Assert.Equal(["jersey", "T-shirt", "tee shirt"], s.Words.Select(w => w.Lemma));
        Assert.Equal([1, 0, 0], s.Words.Select(w => w.LexId));
        // An adjective satellite, with a syntactic marker, a hex word count (0c = 12) and lexical "+" pointers (source 02, target 01).
        var red = WordNetSynset.Parse("00381097 00 s 0c red 1 reddish 0 ruddy 0 blood-red 0 carmine 0 cerise 0 cherry 0 cherry-red 0 crimson 0 ruby 0 ruby-red 0 scarlet(a) 0 "
            + "002 & 00366691 a 0000 + 04962784 n 0201 | of a color at the end of the color spectrum");
        Assert.Equal('s', red.SynsetType);
        Assert.Equal('a', red.PartOfSpeech);
        Assert.Equal(12, red.Words.Count);
        Assert.Equal(new WordNetWord("scarlet", 0, "a"), red.Words[^1]);
        Assert.Equal(new WordNetPointer("+", 4962784, 'n', 2, 1), red.Pointers[1]);
        Assert.False(red.Pointers[1].IsSemantic);
        Assert.True(red.Pointers[0].IsSemantic);
    }

    [Fact]
    public void AVerbLineHasFramesAfterItsPointers()
    {
        var s = WordNetSynset.Parse("00047745 29 v 02 wear 4 bear 2 005 @ 02630189 v 0000 + 02539360 a 0101 + 03051540 n 0104 + 00830257 n 0101 "
            + "+ 00830257 n 0102 01 + 08 00 | have on one's person; \"He wore a red ribbon\"; \"bear a scar\"");
        Assert.Equal('v', s.PartOfSpeech);
        Assert.Equal(["wear", "bear"], s.Words.Select(w => w.Lemma));
        Assert.Equal(5, s.Pointers.Count);
        Assert.Equal(new WordNetPointer("+", 3051540, 'n', 1, 4), s.Pointers[2]);
        Assert.Throws<FormatException>(() => WordNetSynset.Parse("00047745 29 v 02 wear 4 bear 2 000 01 x 08 00 | have on one's person"));
    }

    [Theory]
    [InlineData("04133789 06 n 01 sandal 0 002 @ 04199027 n 0000 | a shoe")]
    [InlineData("04133789 06 x 01 sandal 0 000 | a shoe")]
    [InlineData("04133789 06 n 02 sandal 0 000 | a shoe")]
    [InlineData("04133789 06 n 01 sandal 0 001 @ 04199027 q 0000 | a shoe")]
    [InlineData("04133789 06 n 01 sandal 0 001 @ 04199027 n 000 | a shoe")]
    [InlineData("0413378x 06 n 01 sandal 0 000 | a shoe")]
    [InlineData("04133789 06 n 01 sandal 0 000 extra | a shoe")]
    public void MalformedDataLinesAreRefused(string line) => Assert.Throws<FormatException>(() => WordNetSynset.Parse(line));

    [Fact]
    public void AnIndexLineGivesTheLemmasSensesInOrder()
    {
        var e = WordNetIndexEntry.Parse("flip-flop n 4 3 @ ~ + 4 0 05789808 03364008 03363887 00439749  ");
        Assert.Equal("flip-flop", e.Lemma);
        Assert.Equal('n', e.PartOfSpeech);
        Assert.Equal(["@", "~", "+"], e.PointerSymbols);
        Assert.Equal([5789808L, 3364008, 3363887, 439749], e.Synsets);
        Assert.Equal("tank top", WordNetIndexEntry.Parse("tank_top n 1 1 @ 1 0 04390577  ").Lemma);
        Assert.Throws<FormatException>(() => WordNetIndexEntry.Parse("flip-flop n 4 3 @ ~ + 4 0 05789808 03364008"));
        Assert.Throws<FormatException>(() => WordNetIndexEntry.Parse("flip-flop n 2 1 @ 3 0 05789808 03364008"));
        Assert.Throws<FormatException>(() => WordNetIndexEntry.Parse("flip-flop z 1 0 1 0 05789808"));
    }

    [Fact]
    public void TheDatabaseFindsSensesAndFollowsHypernymsToTheRoot()
    {
        var db = SmallWordNet.Database;
        Assert.Equal([3643907L, 4426427, 3364008], db.Senses("Thong", 'n').Select(s => s.Offset));
        Assert.Empty(db.Senses("fedora", 'n'));
        Assert.Equal("tank top", Assert.Single(db.Synset('n', 4390577).Words).Lemma);
        var flipFlop = db.Synset('n', 3364008);
        var ancestors = db.Ancestors(flipFlop);
        Assert.Contains(GarmentVocabularyGenerator.FootwearRoot, ancestors);
        Assert.DoesNotContain(GarmentVocabularyGenerator.ClothingRoot, ancestors);
        Assert.Contains(GarmentVocabularyGenerator.ClothingRoot, db.Ancestors(db.Synset('n', 4502197)));
        Assert.Throws<KeyNotFoundException>(() => db.Synset('n', 1));
        Assert.Equal('a', db.Synset('a', 381097).PartOfSpeech);
    }

    [Fact]
    public void LoadReadsAFolderAndRefusesALineNotAtItsOffset()
    {
        var dir = Directory.CreateTempSubdirectory("genplat-wordnet-");
        try
        {
            const string header = "  1 This software and database is being provided to you, the LICENSEE, by  \n  2 WordNet 3.0 Copyright 2006 by Princeton University.  \n";
            var line = "03364008 06 n 02 flip-flop 1 thong 2 000 | a backless sandal  \n";
            var offset = header.Length.ToString("D8", System.Globalization.CultureInfo.InvariantCulture);
            File.WriteAllText(Path.Combine(dir.FullName, "data.noun"), header + line.Replace("03364008", offset, StringComparison.Ordinal));
            File.WriteAllText(Path.Combine(dir.FullName, "index.noun"), header + $"flip-flop n 1 0 1 0 {offset}  \n");
            var db = WordNetDatabase.Load(dir.FullName, "n");
            Assert.Equal(["This software and database is being provided to you, the LICENSEE, by", "WordNet 3.0 Copyright 2006 by Princeton University."], db.License);
            Assert.Equal("thong", db.Senses("flip-flop", 'n')[0].Words[1].Lemma);
            File.WriteAllText(Path.Combine(dir.FullName, "data.noun"), header + line);
            Assert.Throws<FormatException>(() => WordNetDatabase.Load(dir.FullName, "n"));
            Assert.Throws<FileNotFoundException>(() => WordNetDatabase.Load(dir.FullName, "v"));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
