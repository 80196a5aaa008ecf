namespace GenerationPlatform.Text.Tests;

public sealed class PromptBenchmarkTests
{
    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "GenerationPlatform.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no GenerationPlatform.sln above {AppContext.BaseDirectory}");
    }

    /// <summary>
    /// The committed file is what the generator makes. To regenerate it after changing the generator:
    /// GENPLAT_WRITE_BENCHMARK=1 dotnet test tests/GenerationPlatform.Text.Tests -c Release --filter PromptBenchmarkTests
    /// </summary>
    [Fact]
    public void CommittedFileMatchesTheGenerator()
    {
        var path = Path.Combine(RepositoryRoot(), PromptBenchmark.RelativePath);
        var expected = PromptBenchmark.ToTsv(PromptBenchmark.Generate());
        if (Environment.GetEnvironmentVariable("GENPLAT_WRITE_BENCHMARK") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, expected);
        }
        Assert.True(File.Exists(path), $"{path} is missing; regenerate it with GENPLAT_WRITE_BENCHMARK=1");
        Assert.Equal(expected, File.ReadAllText(path));
        Assert.Equal(PromptBenchmark.Generate(), PromptBenchmark.ParseTsv(expected));
    }

    [Fact]
    public void HasEveryCategoryAndAtLeast200UniquePrompts()
    {
        var rows = PromptBenchmark.Generate();
        Assert.True(rows.Count >= 200, $"{rows.Count} prompts");
        Assert.Equal(rows.Count, rows.Select(r => r.Id).Distinct().Count());
        Assert.Equal(rows.Count, rows.Select(r => r.Prompt).Distinct().Count());
        Assert.Equal(PromptBenchmark.Categories.ToHashSet(), rows.Select(r => r.Category).ToHashSet());
        Assert.All(rows.GroupBy(r => r.Category), g => Assert.True(g.Count() >= 30, $"{g.Key}: {g.Count()}"));
        Assert.Equal(Enumerable.Range(0, FashionClasses.Count), rows.Select(r => r.Class).Distinct().Order());
        int Attributes(BenchmarkPrompt r) => (r.Colour is null ? 0 : 1) + (r.Orientation is null ? 0 : 1) + (r.Surface is null ? 0 : 1);
        Assert.All(rows.Where(r => r.Category is PromptBenchmark.ClassName or PromptBenchmark.ClassParaphrase), r => Assert.Equal(0, Attributes(r)));
        Assert.All(rows.Where(r => r.Category == PromptBenchmark.OneProperty), r => Assert.Equal(1, Attributes(r)));
        Assert.All(rows.Where(r => r.Category == PromptBenchmark.TwoProperties), r => Assert.Equal(2, Attributes(r)));
        Assert.All(rows.Where(r => r.Category == PromptBenchmark.ThreeProperties), r => Assert.Equal(3, Attributes(r)));
        Assert.All(rows.Where(r => r.Orientation is not null), r => Assert.True(FashionClasses.IsFootwear(r.Class)));
        Assert.All(rows.Where(r => r.Category == PromptBenchmark.RareCombinations), r => Assert.True(CaptionGenerator.IsHeldOut(r.Class, r.Colour!)));
        Assert.All(rows.Where(r => r.Category != PromptBenchmark.RareCombinations && r.Colour is not null), r => Assert.False(CaptionGenerator.IsHeldOut(r.Class, r.Colour!)));
    }

    [Fact]
    public void ParaphrasePromptsUseNoTrainingClassTerm()
    {
        var training = ClassVocabulary.TrainingTerms.SelectMany(t => t).Select(t => " " + string.Join(' ', PromptParser.Tokens(t.Text)) + " ").ToList();
        var paraphrases = ClassVocabulary.BenchmarkParaphrases.SelectMany(t => t).Select(t => string.Join(' ', PromptParser.Tokens(t.Text))).ToList();
        foreach (var row in PromptBenchmark.Generate().Where(r => r.Category == PromptBenchmark.ClassParaphrase))
        {
            var words = " " + string.Join(' ', PromptParser.Tokens(row.Prompt)) + " ";
            var paraphrase = paraphrases.Single(p => words.Contains(" " + p + " "));
            var rest = words.Replace(" " + paraphrase + " ", " ", StringComparison.Ordinal);
            Assert.DoesNotContain(training, rest.Contains);
        }
    }

    [Fact]
    public void TheParserRecoversEveryRow()
    {
        foreach (var row in PromptBenchmark.Generate())
        {
            var p = PromptParser.Parse(row.Prompt);
            Assert.True(p.Understood, $"{row.Id} '{row.Prompt}': {string.Join("; ", p.Unparsed)}");
            Assert.Equal((row.Class, row.Colour, row.Orientation, row.Surface), (p.Class!.Value, p.Colour, p.Orientation, p.Surface));
        }
    }

    [Fact]
    public void ParseTsvRefusesMalformedFiles()
    {
        Assert.Throws<FormatException>(() => PromptBenchmark.ParseTsv("id\tprompt\n"));
        Assert.Throws<FormatException>(() => PromptBenchmark.ParseTsv(PromptBenchmark.Header + "\nx\ty\n"));
        Assert.Throws<FormatException>(() => PromptBenchmark.ParseTsv(PromptBenchmark.Header + "\nx\tclass-name\ta hat\tHat\t-\t-\t-\n"));
    }
}
