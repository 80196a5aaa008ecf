namespace GenerationPlatform.Text.Training;

/// <summary>
/// A caption naming its class with a <see cref="ClassVocabulary.ProjectionSynonyms"/> word, and the same caption, word for
/// word, with a training term of the class instead (the teacher: where the model already knows to go).
/// <see cref="Validation"/> pairs use the last synonym of their class, which tuning never sees.
/// </summary>
public sealed record SynonymPair(int Class, string Synonym, string Caption, string TeacherCaption, bool Validation);
