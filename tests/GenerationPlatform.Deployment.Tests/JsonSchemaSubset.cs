using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace GenerationPlatform.Deployment.Tests;

/// <summary>
/// A JSON Schema (draft-07) validator for the keywords values.schema.json uses, and only those: a schema with any
/// other keyword is refused when loaded, so the chart's schema can never lean on a keyword that nothing here checks.
/// Helm validates values with a full draft-07 validator; this one agrees with it on this subset (the tests include
/// values each keyword must refuse).
/// </summary>
internal sealed class JsonSchemaSubset
{
    /// <summary>The keywords this validator implements (annotations included: they constrain nothing).</summary>
    public static readonly IReadOnlySet<string> Keywords = new HashSet<string>(StringComparer.Ordinal)
    {
        "$schema", "$ref", "title", "description", "definitions",
        "type", "properties", "additionalProperties", "required", "enum", "items",
        "minimum", "maximum", "exclusiveMinimum", "pattern", "minLength",
    };

    private static readonly IReadOnlySet<string> Types = new HashSet<string>(StringComparer.Ordinal) { "object", "array", "string", "integer", "number", "boolean", "null" };

    private readonly JsonObject root;

    public JsonSchemaSubset(JsonObject schema)
    {
        root = schema;
        if (schema["$schema"]?.GetValue<string>() is not "http://json-schema.org/draft-07/schema#")
            throw new NotSupportedException("the schema must declare draft-07 ($schema http://json-schema.org/draft-07/schema#)");
        CheckSchema(schema, "#");
    }

    private void CheckSchema(JsonNode? node, string at)
    {
        if (node is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False) return;
        if (node is not JsonObject schema) throw new NotSupportedException($"{at}: a schema must be an object or a boolean");
        foreach (var (keyword, value) in schema)
        {
            if (!Keywords.Contains(keyword)) throw new NotSupportedException($"{at}: keyword '{keyword}' is not one this validator checks");
            switch (keyword)
            {
                case "properties" or "definitions":
                    foreach (var (name, sub) in value!.AsObject()) CheckSchema(sub, $"{at}/{keyword}/{name}");
                    break;
                case "additionalProperties" or "items":
                    CheckSchema(value, $"{at}/{keyword}");
                    break;
                case "type":
                    foreach (var t in TypesOf(value!))
                        if (!Types.Contains(t)) throw new NotSupportedException($"{at}: unknown type '{t}'");
                    break;
                case "pattern":
                    _ = new Regex(value!.GetValue<string>());
                    break;
                case "$ref":
                    Resolve(value!.GetValue<string>());
                    break;
            }
        }
    }

    private static IEnumerable<string> TypesOf(JsonNode type) =>
        type is JsonArray list ? list.Select(t => t!.GetValue<string>()) : [type.GetValue<string>()];

    private JsonNode Resolve(string reference)
    {
        const string prefix = "#/definitions/";
        if (!reference.StartsWith(prefix, StringComparison.Ordinal)) throw new NotSupportedException($"$ref '{reference}': only {prefix}NAME");
        return root["definitions"]?[reference[prefix.Length..]] ?? throw new NotSupportedException($"$ref '{reference}' names no definition");
    }

    /// <summary>Every violation, each with the path of the value (as helm prints them: <c>cpuSilos.replicas: ...</c>).</summary>
    public List<string> Validate(JsonNode? instance)
    {
        var errors = new List<string>();
        Validate(root, instance, "(root)", errors);
        return errors;
    }

    private static string Child(string at, string name) => at == "(root)" ? name : $"{at}.{name}";

    private static string KindOf(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "object",
        JsonArray => "array",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            JsonValueKind.Number => IsInteger(v) ? "integer" : "number",
            var k => throw new NotSupportedException(k.ToString()),
        },
        _ => throw new NotSupportedException(node.GetType().Name),
    };

    private static bool IsInteger(JsonValue v) =>
        v.TryGetValue<long>(out _) || v.TryGetValue<int>(out _) || (v.TryGetValue<double>(out var d) && Math.Floor(d) == d && !double.IsInfinity(d));

    private static double Number(JsonNode node) => node.AsValue().TryGetValue<long>(out var l) ? l : node.AsValue().TryGetValue<int>(out var i) ? i : node.GetValue<double>();

    private void Validate(JsonNode? schemaNode, JsonNode? value, string at, List<string> errors)
    {
        if (schemaNode is JsonValue b)
        {
            if (!b.GetValue<bool>()) errors.Add($"{at}: no value is allowed here");
            return;
        }
        var schema = schemaNode!.AsObject();
        if (schema["$ref"] is { } reference)
        {
            // Draft-07: $ref takes the place of every sibling keyword.
            Validate(Resolve(reference.GetValue<string>()), value, at, errors);
            return;
        }
        var kind = KindOf(value);
        if (schema["type"] is { } type)
        {
            var allowed = TypesOf(type).ToList();
            if (!allowed.Contains(kind) && !(kind == "integer" && allowed.Contains("number")))
            {
                errors.Add($"{at}: Invalid type. Expected: {string.Join(" or ", allowed)}, given: {kind}");
                return;
            }
        }
        if (schema["enum"] is JsonArray options && !options.Any(o => JsonNode.DeepEquals(o, value)))
            errors.Add($"{at}: {at} must be one of the following: {string.Join(", ", options.Select(o => o?.ToJsonString()))}");
        if (kind is "integer" or "number")
        {
            var n = Number(value!);
            if (schema["minimum"] is { } min && n < Number(min)) errors.Add($"{at}: Must be greater than or equal to {Number(min).ToString(CultureInfo.InvariantCulture)}");
            if (schema["maximum"] is { } max && n > Number(max)) errors.Add($"{at}: Must be less than or equal to {Number(max).ToString(CultureInfo.InvariantCulture)}");
            if (schema["exclusiveMinimum"] is { } emin && n <= Number(emin)) errors.Add($"{at}: Must be greater than {Number(emin).ToString(CultureInfo.InvariantCulture)}");
        }
        if (kind == "string")
        {
            var text = value!.GetValue<string>();
            if (schema["minLength"] is { } minLength && text.Length < (int)Number(minLength)) errors.Add($"{at}: String length must be greater than or equal to {minLength}");
            if (schema["pattern"] is { } pattern && !Regex.IsMatch(text, pattern.GetValue<string>())) errors.Add($"{at}: Does not match pattern '{pattern}'");
        }
        if (value is JsonObject map)
        {
            var properties = schema["properties"]?.AsObject();
            foreach (var required in schema["required"]?.AsArray() ?? [])
                if (!map.ContainsKey(required!.GetValue<string>())) errors.Add($"{at}: {required} is required");
            foreach (var (name, child) in map)
            {
                if (properties?[name] is { } sub) Validate(sub, child, Child(at, name), errors);
                else if (schema["additionalProperties"] is { } additional) Validate(additional, child, Child(at, name), errors);
            }
        }
        if (value is JsonArray list && schema["items"] is { } items)
            for (int i = 0; i < list.Count; i++) Validate(items, list[i], $"{at}.{i}", errors);
    }
}
