using GenerationPlatform.Text.Vocabulary;

namespace GenerationPlatform.Text.Tests;

/// <summary>A fact that needs the WordNet database files (Debian: apt-get install wordnet-base; .ci/run installs it) and is skipped, saying so, without them.</summary>
public sealed class WordNetFactAttribute : FactAttribute
{
    public WordNetFactAttribute()
    {
        if (!File.Exists(Path.Combine(WordNetDatabase.DebianDirectory, "data.noun")))
            Skip = $"no WordNet database in {WordNetDatabase.DebianDirectory} (apt-get install wordnet-base)";
    }
}
