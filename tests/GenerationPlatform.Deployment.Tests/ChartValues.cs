using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace GenerationPlatform.Deployment.Tests;

/// <summary>
/// The chart's values as helm sees them: YAML read with its core-schema types (a plain <c>5080</c> is an integer,
/// <c>"5080"</c> a string), values.yaml merged with the user's files (maps merge, anything else replaces, null
/// removes a key) and checked against values.schema.json before anything renders, as helm install and template do.
/// </summary>
internal static partial class ChartValues
{
    public static string ChartDirectory => Repository.PathOf("charts/generation-platform");

    private static readonly Lazy<JsonSchemaSubset> LazySchema = new(() =>
        new JsonSchemaSubset(JsonNode.Parse(File.ReadAllText(Path.Combine(ChartDirectory, "values.schema.json")))!.AsObject()));

    public static JsonSchemaSubset Schema => LazySchema.Value;

    public static JsonObject Defaults() => FromYaml(File.ReadAllText(Path.Combine(ChartDirectory, "values.yaml")));

    /// <summary>values.yaml merged with <paramref name="overrides"/> (YAML documents), in order.</summary>
    public static JsonObject Merged(params string[] overrides)
    {
        var values = Defaults();
        foreach (var yaml in overrides) Merge(values, FromYaml(yaml));
        return values;
    }

    /// <summary>Throws what helm would print when the merged values break the schema.</summary>
    public static void Validate(params string[] overrides)
    {
        var errors = Schema.Validate(Merged(overrides));
        if (errors.Count > 0)
            throw new InvalidOperationException("values don't meet the specifications of the schema(s) in the following chart(s):\ngeneration-platform:\n- " +
                string.Join("\n- ", errors));
    }

    public static JsonObject FromYaml(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        if (stream.Documents.Count == 0) return [];
        return Convert(stream.Documents[0].RootNode) as JsonObject ?? [];
    }

    [GeneratedRegex(@"^[-+]?(0|[1-9][0-9]*)$")]
    private static partial Regex Integer();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex Float();

    /// <summary>A YAML node as JSON, plain scalars typed by the YAML core schema (what helm's YAML reader does).</summary>
    public static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(kv => KeyValuePair.Create(((YamlScalarNode)kv.Key).Value!, Convert(kv.Value)))),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(Convert).ToArray()),
        YamlScalarNode scalar when scalar.Style is ScalarStyle.Plain => Plain(scalar.Value ?? ""),
        YamlScalarNode scalar => JsonValue.Create(scalar.Value ?? ""),
        _ => throw new NotSupportedException($"YAML node {node.NodeType}"),
    };

    private static JsonNode? Plain(string text) => text switch
    {
        "" or "~" or "null" or "Null" or "NULL" => null,
        "true" or "True" or "TRUE" => JsonValue.Create(true),
        "false" or "False" or "FALSE" => JsonValue.Create(false),
        _ when Integer().IsMatch(text) => JsonValue.Create(long.Parse(text, CultureInfo.InvariantCulture)),
        _ when Float().IsMatch(text) => JsonValue.Create(double.Parse(text, CultureInfo.InvariantCulture)),
        _ => JsonValue.Create(text),
    };

    /// <summary>Helm's coalescing of a user's values onto the chart's: maps merge key by key, null deletes.</summary>
    public static void Merge(JsonObject target, JsonObject source)
    {
        foreach (var (key, value) in source.ToList())
        {
            if (value is null) { target.Remove(key); continue; }
            if (value is JsonObject map && target[key] is JsonObject existing) { Merge(existing, map); continue; }
            target[key] = value.DeepClone();
        }
    }
}
