namespace GenerationPlatform.Text.Vocabulary;

/// <summary>The pointer symbols (wninput(5)) the vocabulary generator follows.</summary>
public static class WordNetPointerSymbols
{
    /// <summary>Noun or verb: a more general synset ("sandal" to "shoe").</summary>
    public const string Hypernym = "@";

    /// <summary>Noun: the class a named instance belongs to.</summary>
    public const string InstanceHypernym = "@i";

    /// <summary>Noun or verb: a more specific synset ("sandal" to "espadrille").</summary>
    public const string Hyponym = "~";

    /// <summary>Noun: a named instance of this class.</summary>
    public const string InstanceHyponym = "~i";

    /// <summary>Noun: a part of this synset ("shirt" to "sleeve"; noun.artifact's <c>%p</c>).</summary>
    public const string PartMeronym = "%p";

    /// <summary>Any part of speech: a word derived from, or deriving, this word ("red" noun to "red" adjective).</summary>
    public const string DerivationallyRelated = "+";

    /// <summary>Adjective: a satellite's head adjective ("crimson" to "chromatic").</summary>
    public const string SimilarTo = "&";
}
