using GenerationPlatform.Text.Vocabulary;

namespace GenerationPlatform.Text.Tests;

/// <summary>
/// A small WordNet: real lines of the WordNet 3.0 database (Debian wordnet-base), their pointers and index senses
/// trimmed to the synsets kept here, so that every chain they describe stays inside the fixture (clothing, garment,
/// shirts, sweaters, dresses, coats, trousers, sandals, handbags, underwear; red, green, cyan and blue and their adjectives).
/// The lines are in SmallWordNet/ (copied to the test output), one file per WordNet file they come from: data and index
/// of nouns and of adjectives. They are data, kept whole (a WordNet line is often longer than a line of C# may be).
/// </summary>
public static class SmallWordNet
{
    public static WordNetDatabase Database { get; } =
        WordNetDatabase.FromLines(Lines("noun-data.txt"), Lines("noun-index.txt"), Lines("adjective-data.txt"), Lines("adjective-index.txt"));

    private static string[] Lines(string file) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "SmallWordNet", file)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
