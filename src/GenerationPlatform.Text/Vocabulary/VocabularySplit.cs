namespace GenerationPlatform.Text.Vocabulary;

/// <summary>Which side of the vocabulary's split a word is on: training captions use it, or only the benchmark does.</summary>
public enum VocabularySplit
{
    Train,
    HeldOut,
}
