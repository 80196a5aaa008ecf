using System.Text.Json;

namespace GenerationPlatform.Cli.Commands;

/// <summary>The JSON beside a generated PNG: what was asked, what it cost, how long it took (camelCase, as every JSON the project writes).</summary>
internal sealed record GenerateRecord(string Model, string ModelSource, string Backend, GenerateRecord.ShapeRecord ImageShape, GenerateRecord.ClassRecord? Class,
    string? Prompt, int Count, string Sampler, int Steps, float Guidance, double Eta, GenerateRecord.SeedRecord[] Seeds, GenerateRecord.NfeRecord Nfe,
    GenerateRecord.TimingRecord TimingsMs, string Image, int GridColumns, int Scale)
{
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public sealed record ShapeRecord(int Channels, int Height, int Width);

    public sealed record ClassRecord(int Index, string Name);

    public sealed record SeedRecord(ulong Seed, uint Round, uint Candidate);

    /// <summary>NFE per sample and in all; model evaluations (guidance doubles them) and the network calls that carried them.</summary>
    public sealed record NfeRecord(int PerSample, long Total, long ModelEvaluations, long GuidanceEvaluations, long ModelCalls);

    public sealed record TimingRecord(double LoadModel, double Sampling, double EncodePng, double Total);
}
