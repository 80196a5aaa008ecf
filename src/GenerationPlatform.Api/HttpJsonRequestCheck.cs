using System.Globalization;
using System.Numerics;
using System.Text.Encodings.Web;
using System.Text.Json;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Microsoft.AspNetCore.Grpc.JsonTranscoding;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace GenerationPlatform.Api;

/// <summary>
/// What the transcoding does not check, checked before it reads a request (and before the key, as for gRPC messages that
/// do not decode): the body's size against <see cref="RequestLimits.MaxReceiveMessageBytes"/> (413, with the gRPC API's
/// RESOURCE_EXHAUSTED in the body: 429 would tell an HTTP client to retry what can never pass), its media type, that it
/// is JSON, and its shape against the request message: a field the message does not have (the transcoding drops
/// unknown fields silently, and has no setting to refuse them), a field given twice (also as <c>top_k</c> and
/// <c>topK</c>), a value of the wrong JSON type, an integer out of its field's range, an enum name the proto does not
/// define; the same for query parameters; and a binary header that is not base64 (<see cref="BinaryHeaders"/>). Each is
/// INVALID_ARGUMENT (400) naming the field (or the header), as the proto spells it.
/// Every HTTP/JSON answer of 401 also says <c>WWW-Authenticate: Bearer</c>.
/// </summary>
public sealed class HttpJsonRequestCheck(RequestDelegate next, IOptions<RequestLimits> limits)
{
    private const int MaxDepth = 16;
    private const int MaxQuoted = 40;

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<GrpcJsonTranscodingMetadata>() is not { } route)
        {
            await next(context);
            return;
        }
        context.Response.OnStarting(static state =>
        {
            var response = (HttpResponse)state;
            if (response.StatusCode == StatusCodes.Status401Unauthorized) response.Headers.WWWAuthenticate = "Bearer";
            return Task.CompletedTask;
        }, context.Response);
        int max = limits.Value.MaxReceiveMessageBytes;
        // Kestrel's own cap too: a body that no route reads is drained after the answer, but never more than this.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = max;
        if (await RefusalAsync(context, route, max) is { } refusal)
        {
            await WriteStatusAsync(context.Response, refusal.HttpStatus, refusal.Code, refusal.Message);
            return;
        }
        await next(context);
    }

    /// <summary>A <c>google.rpc.Status</c> as the transcoding writes its own: <c>{"code": ..., "message": ..., "details": []}</c>.</summary>
    internal static async Task WriteStatusAsync(HttpResponse response, int httpStatus, StatusCode code, string message)
    {
        response.StatusCode = httpStatus;
        response.ContentType = "application/json; charset=utf-8";
        await using var writer = new Utf8JsonWriter(response.Body, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        writer.WriteStartObject();
        writer.WriteNumber("code", (int)code);
        writer.WriteString("message", message);
        writer.WriteStartArray("details");
        writer.WriteEndArray();
        writer.WriteEndObject();
        await writer.FlushAsync(response.HttpContext.RequestAborted);
    }

    private sealed record Refusal(int HttpStatus, StatusCode Code, string Message);

    private static Refusal Invalid(string message) => new(HttpJson.HttpStatusOf(StatusCode.InvalidArgument), StatusCode.InvalidArgument, message);

    private static Refusal Undecodable(string message)
    {
        RefusedRequestMessages.CountUndecodable();
        return Invalid(message);
    }

    private static Refusal TooLarge(string message)
    {
        RefusedRequestMessages.CountOversized();
        return new(StatusCodes.Status413PayloadTooLarge, StatusCode.ResourceExhausted, message);
    }

    private static async Task<Refusal?> RefusalAsync(HttpContext context, GrpcJsonTranscodingMetadata route, int max)
    {
        var message = route.MethodDescriptor.InputType;
        var request = context.Request;
        if (BinaryHeaders.Problem(request.Headers) is { } header) return Undecodable(header);
        bool hasBody = route.HttpRule.Body.Length > 0;
        var queried = new HashSet<int>();
        foreach (var (key, values) in request.Query)
        {
            if (hasBody) return Undecodable($"{Named(key)}: this route reads no query parameters; send every field in the JSON body");
            var field = FieldNamed(message, key);
            if (field is null) return Undecodable($"{Named(key)}: {message.Name} has no such field");
            if (request.RouteValues.ContainsKey(field.Name)) return Undecodable($"{field.Name}: given in the path already");
            if (!queried.Add(field.FieldNumber) || values.Count > 1 && !field.IsRepeated) return Undecodable($"{field.Name}: given twice");
            foreach (var value in values)
                if (QueryValueProblem(field, value ?? "") is { } problem) return Undecodable($"{field.Name}: {problem}");
        }
        if (!hasBody) return null; // the transcoding reads no body here (a body sent anyway is drained, within the cap above)

        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
            || !(type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || type.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase)))
            return Undecodable($"request: send the body as application/json ({(request.ContentType is { } sent ? $"Content-Type was {Quoted(sent)}" : "no Content-Type")})");
        if (type.Charset.HasValue && !type.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase))
            return Undecodable($"request: the body must be UTF-8 JSON (charset was {Quoted(type.Charset.Value ?? "")})");
        if (request.ContentLength > max) return TooLarge($"request: a body of {request.ContentLength} bytes is over the limit of {max}");

        byte[]? body;
        try
        {
            body = await ReadAtMostAsync(request.Body, max, context.RequestAborted);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            body = null; // Kestrel's cap (set above) stopped it first
        }
        if (body is null) return TooLarge($"request: a body over the limit of {max} bytes");
        if (body.Length == 0) return Undecodable($"request: the body is empty; send a JSON object ({message.Name})");

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = MaxDepth });
        }
        catch (JsonException e)
        {
            return Undecodable($"request: not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})");
        }
        using (document)
        {
            if (MessageProblem(document.RootElement, message, "") is { } problem) return Undecodable(problem);
        }
        // The transcoding reads what was checked.
        request.Body = new MemoryStream(body, writable: false);
        return null;
    }

    /// <summary>The whole body, or null when it runs past <paramref name="max"/> bytes.</summary>
    private static async Task<byte[]?> ReadAtMostAsync(Stream body, int max, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > max) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    /// <summary>The field a JSON name or a query key names: the proto's name or its JSON name (lowerCamelCase), as the transcoding reads them.</summary>
    private static FieldDescriptor? FieldNamed(MessageDescriptor message, string name) =>
        message.Fields.InDeclarationOrder().FirstOrDefault(f => f.Name == name || f.JsonName == name);

    /// <summary>The first problem of a JSON object read as <paramref name="message"/>, naming the field by its path (<c>deadline</c>, <c>reported_verifiers[1]</c>).</summary>
    private static string? MessageProblem(JsonElement value, MessageDescriptor message, string path)
    {
        if (value.ValueKind != JsonValueKind.Object)
            return $"{(path.Length == 0 ? "request" : path)}: expected a JSON object ({message.Name}), got {Kind(value)}";
        var seen = new HashSet<int>();
        foreach (var property in value.EnumerateObject())
        {
            var field = FieldNamed(message, property.Name);
            if (field is null) return $"{path}{Named(property.Name)}: {message.Name} has no such field";
            var name = path + field.Name;
            if (!seen.Add(field.FieldNumber)) return $"{name}: given twice";
            if (field.RealContainingOneof is { } oneof
                && oneof.Fields.Any(f => f.FieldNumber != field.FieldNumber && seen.Contains(f.FieldNumber)))
                return $"{name}: only one of {oneof.Name}'s fields may be given";
            if (FieldProblem(property.Value, field, name) is { } problem) return problem;
        }
        return null;
    }

    private static string? FieldProblem(JsonElement value, FieldDescriptor field, string name)
    {
        if (value.ValueKind == JsonValueKind.Null) return null; // the field's default, as proto3 JSON reads null
        if (field.IsMap)
        {
            if (value.ValueKind != JsonValueKind.Object) return $"{name}: expected a JSON object, got {Kind(value)}";
            var valueField = field.MessageType.FindFieldByNumber(2);
            foreach (var entry in value.EnumerateObject())
                if (ValueProblem(entry.Value, valueField, $"{name}[{Quoted(entry.Name)}]") is { } problem) return problem;
            return null;
        }
        if (field.IsRepeated)
        {
            if (value.ValueKind != JsonValueKind.Array) return $"{name}: expected a JSON array, got {Kind(value)}";
            int i = 0;
            foreach (var item in value.EnumerateArray())
            {
                if (ValueProblem(item, field, $"{name}[{i}]") is { } problem) return problem;
                i++;
            }
            return null;
        }
        return ValueProblem(value, field, name);
    }

    /// <summary>One value of a field: what the transcoding's converters accept for its type, and no more.</summary>
    private static string? ValueProblem(JsonElement value, FieldDescriptor field, string name)
    {
        if (value.ValueKind == JsonValueKind.Null) return $"{name}: null is not a value in a list or map";
        var problem = field.FieldType switch
        {
            FieldType.String => value.ValueKind == JsonValueKind.String ? null : Expected("a string", value),
            FieldType.Bytes => value.ValueKind == JsonValueKind.String ? null : Expected("a base64 string", value),
            FieldType.Bool => value.ValueKind is JsonValueKind.True or JsonValueKind.False ? null : Expected("true or false", value),
            FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => IntegerProblem(value, int.MinValue, int.MaxValue, quotedAllowed: false),
            FieldType.UInt32 or FieldType.Fixed32 => IntegerProblem(value, uint.MinValue, uint.MaxValue, quotedAllowed: false),
            FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => IntegerProblem(value, long.MinValue, long.MaxValue, quotedAllowed: true),
            FieldType.UInt64 or FieldType.Fixed64 => IntegerProblem(value, ulong.MinValue, ulong.MaxValue, quotedAllowed: true),
            FieldType.Float => FloatProblem(value, float.MaxValue, "a 32-bit float"),
            FieldType.Double => FloatProblem(value, double.MaxValue, "a double"),
            FieldType.Enum => EnumProblem(value, field.EnumType),
            FieldType.Message => null,
            _ => $"a field of type {field.FieldType} is not read from JSON here",
        };
        if (problem is not null) return $"{name}: {problem}";
        if (field.FieldType != FieldType.Message) return null;
        return field.MessageType.FullName switch
        {
            "google.protobuf.Duration" => value.ValueKind == JsonValueKind.String && IsDuration(value.GetString()!)
                ? null : $"{name}: expected a duration in seconds such as \"1.5s\", got {Shown(value)}",
            "google.protobuf.Timestamp" => value.ValueKind == JsonValueKind.String
                ? null : $"{name}: expected an RFC 3339 time such as \"2025-01-01T00:00:00Z\", got {Shown(value)}",
            // Wrappers (google.protobuf.Int32Value ...) are their value; Struct, Value, ListValue, Any and FieldMask take any JSON.
            var wrapper when wrapper.StartsWith("google.protobuf.", StringComparison.Ordinal) && wrapper.EndsWith("Value", StringComparison.Ordinal)
                && field.MessageType.Fields.InDeclarationOrder() is [{ Name: "value" } inner] => ValueProblem(value, inner, name),
            var known when known.StartsWith("google.protobuf.", StringComparison.Ordinal) => null,
            _ => MessageProblem(value, field.MessageType, name + "."),
        };
    }

    /// <summary>An integer within [min, max]: a JSON number without fraction or exponent (64-bit fields: or its digits quoted, as proto3 JSON writes them).</summary>
    private static string? IntegerProblem(JsonElement value, BigInteger min, BigInteger max, bool quotedAllowed)
    {
        string? digits = value.ValueKind == JsonValueKind.Number ? value.GetRawText()
            : value.ValueKind == JsonValueKind.String && quotedAllowed ? value.GetString() : null;
        var expected = $"an integer from {min} to {max}";
        if (digits is null) return Expected(quotedAllowed ? expected + " (a number, or its digits as a string)" : expected, value);
        return InRange(digits, min, max) ? null : $"expected {expected}, got {Shown(value)}";
    }

    /// <summary>Whether the text is an integer literal (no fraction, no exponent) within [min, max].</summary>
    private static bool InRange(string digits, BigInteger min, BigInteger max) =>
        // 21 characters hold every 64-bit integer with its sign; more cannot be in range, and are not parsed.
        digits.Length <= 21 && BigInteger.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max;

    private static string? FloatProblem(JsonElement value, double max, string what)
    {
        if (value.ValueKind == JsonValueKind.String)
            return value.GetString() is "NaN" or "Infinity" or "-Infinity" ? null : Expected($"{what} (a number, or \"NaN\", \"Infinity\", \"-Infinity\")", value);
        if (value.ValueKind != JsonValueKind.Number) return Expected(what, value);
        return value.TryGetDouble(out var x) && double.IsFinite(x) && Math.Abs(x) <= max ? null : $"expected {what}, got {Shown(value)}: out of its range";
    }

    private static string? EnumProblem(JsonElement value, EnumDescriptor type)
    {
        var names = string.Join(", ", type.Values.Select(v => v.Name));
        if (value.ValueKind == JsonValueKind.String)
            return type.FindValueByName(value.GetString()!) is not null ? null : $"expected one of {names}, got {Shown(value)}";
        if (value.ValueKind == JsonValueKind.Number) return IntegerProblem(value, int.MinValue, int.MaxValue, quotedAllowed: false);
        return Expected($"one of {names}", value);
    }

    /// <summary>A query parameter's value, as the transcoding converts the text to the field's type.</summary>
    private static string? QueryValueProblem(FieldDescriptor field, string value)
    {
        string? Integer(BigInteger min, BigInteger max) => InRange(value, min, max) ? null : $"expected an integer from {min} to {max}, got {Quoted(value)}";
        return field.FieldType switch
        {
            FieldType.Bool => value is "true" or "false" ? null : $"expected true or false, got {Quoted(value)}",
            FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => Integer(int.MinValue, int.MaxValue),
            FieldType.UInt32 or FieldType.Fixed32 => Integer(uint.MinValue, uint.MaxValue),
            FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => Integer(long.MinValue, long.MaxValue),
            FieldType.UInt64 or FieldType.Fixed64 => Integer(ulong.MinValue, ulong.MaxValue),
            FieldType.Float or FieldType.Double => value is "NaN" or "Infinity" or "-Infinity"
                || double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) && double.IsFinite(x)
                && Math.Abs(x) <= (field.FieldType == FieldType.Float ? float.MaxValue : double.MaxValue)
                ? null : $"expected a number, got {Quoted(value)}",
            FieldType.Enum => field.EnumType.FindValueByName(value) is not null || InRange(value, int.MinValue, int.MaxValue)
                ? null : $"expected one of {string.Join(", ", field.EnumType.Values.Select(v => v.Name))}, got {Quoted(value)}",
            _ => null, // strings; bytes and messages are the transcoding's to read
        };
    }

    private static bool IsDuration(string s)
    {
        if (s.Length is < 2 or > 32 || s[^1] != 's') return false;
        var number = s.AsSpan(0, s.Length - 1);
        if (number.Length > 0 && number[0] == '-') number = number[1..];
        int dot = number.IndexOf('.');
        var whole = dot < 0 ? number : number[..dot];
        var fraction = dot < 0 ? ReadOnlySpan<char>.Empty : number[(dot + 1)..];
        return whole.Length is > 0 and <= 12 && fraction.Length <= 9 && (dot < 0 || fraction.Length > 0)
            && !whole.ContainsAnyExcept("0123456789") && !fraction.ContainsAnyExcept("0123456789");
    }

    private static string Expected(string what, JsonElement value) => $"expected {what}, got {Shown(value)}";

    private static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    /// <summary>A value as sent, cut short: an error message never echoes a large input.</summary>
    private static string Shown(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number or JsonValueKind.String or JsonValueKind.True or JsonValueKind.False => Cut(value.GetRawText()),
        _ => Kind(value),
    };

    private static string Quoted(string s) => Cut(JsonSerializer.Serialize(s, Readable));

    private static readonly JsonSerializerOptions Readable = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A name as sent: bare when it is a plain identifier, else quoted (and cut short).</summary>
    private static string Named(string s) => s.Length is > 0 and <= MaxQuoted && s.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') ? s : Quoted(s);

    private static string Cut(string s) => s.Length <= MaxQuoted ? s : string.Concat(s.AsSpan(0, MaxQuoted), "...");
}
