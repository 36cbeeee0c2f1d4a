using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using Steady.Core;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Steady.Server.Features.Config;

/// <summary>
/// Reads configuration documents from YAML (or JSON) and writes them back as YAML. Reading is
/// strict: a document is a mapping with a known <c>kind</c> (or the seed's policy format, which
/// needs none), every field is known and of its type, and every problem is named by document and
/// field. Writing is stable: the same configuration always gives the same text.
/// </summary>
public static partial class ConfigYaml
{
    /// <summary>At most this many YAML nodes after aliases are expanded (a "billion laughs" file is refused, not expanded).</summary>
    public const int MaxNodes = 100_000;

    public const int MaxDepth = 32;

    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        MaxDepth = MaxDepth + 2,
        Converters = { new WordConverter() },
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { Infrastructure.StrictJson.NoNullItems } },
    };

    private static readonly Dictionary<string, Type> Bodies = new(StringComparer.Ordinal)
    {
        [ConfigKinds.Team] = typeof(TeamDocument),
        [ConfigKinds.User] = typeof(UserDocument),
        [ConfigKinds.Schedule] = typeof(ScheduleDocument),
        [ConfigKinds.EscalationPolicy] = typeof(PolicyDocument),
        [ConfigKinds.Service] = typeof(ServiceDocument),
        [ConfigKinds.StatusPage] = typeof(StatusPageDocument),
    };

    /// <summary>The documents of a YAML stream, or why it cannot be read (every document's problem).</summary>
    public static Outcome<IReadOnlyList<ConfigDocument>> Read(string yaml) => Read(BoundedYaml.Read(yaml));

    /// <summary>The documents of a YAML file as sent: UTF-8 bytes.</summary>
    public static Outcome<IReadOnlyList<ConfigDocument>> Read(ReadOnlySpan<byte> yaml) => Read(BoundedYaml.Read(yaml));

    private static Outcome<IReadOnlyList<ConfigDocument>> Read(Outcome<IReadOnlyList<(int Index, JsonNode? Node)>> nodes) =>
        nodes.Succeeded ? Read(nodes.Value!.ToList()) : nodes.Failure!;

    /// <summary>The documents of a JSON body: one document object, or an array of them.</summary>
    public static Outcome<IReadOnlyList<ConfigDocument>> Read(JsonNode? json)
    {
        var nodes = json is JsonArray array ? array.Select((n, i) => (i + 1, n)).ToList() : [(1, json)];
        return Read(nodes);
    }

    private static Outcome<IReadOnlyList<ConfigDocument>> Read(List<(int Index, JsonNode? Node)> nodes)
    {
        var v = new Validation();
        var documents = new List<ConfigDocument>();
        if (nodes.Count == 0)
            v.Add("documents", "There are no documents to apply.");
        foreach (var (index, node) in nodes)
        {
            if (node is not JsonObject fields)
            {
                v.Add($"documents[{index}]", $"document {index}: must be a mapping of fields (kind: …, name: …).");
                continue;
            }
            var clone = (JsonObject)fields.DeepClone();
            string? kind;
            if (clone.Remove("kind", out var kindNode))
            {
                kind = ConfigKinds.Normalize(kindNode is JsonValue value && value.TryGetValue<string>(out var text) ? text : null);
                if (kind is null)
                {
                    v.Add($"documents[{index}].kind", $"document {index}: kind '{kindNode}' is not one of {string.Join(", ", ConfigKinds.All)}.");
                    continue;
                }
            }
            else if (clone.ContainsKey("escalation_chain"))
            {
                kind = ConfigKinds.EscalationPolicy; // the seed's escalation-policy.yaml has no kind
            }
            else
            {
                v.Add($"documents[{index}].kind", $"document {index}: 'kind' is required ({string.Join(", ", ConfigKinds.All)}).");
                continue;
            }
            var type = Bodies[kind];
            try
            {
                var body = clone.Deserialize(type, Json) ?? throw new JsonException("is empty.");
                documents.Add(new ConfigDocument(index, kind, body));
            }
            catch (JsonException e)
            {
                var name = clone["name"] is JsonValue n && n.TryGetValue<string>(out var s) ? " " + s : clone["email"] is JsonValue m && m.TryGetValue<string>(out var email) ? " " + email
                    : clone["slug"] is JsonValue g && g.TryGetValue<string>(out var slug) ? " " + slug : "";
                v.Add($"documents[{index}]", $"document {index} ({kind}{name}): {Explain(e, type)}");
            }
        }
        return v.ToFailure() is { } invalid ? invalid : Outcome<IReadOnlyList<ConfigDocument>>.From(documents);
    }

    /// <summary>"unknown field 'colour' (a service has: name, team, …)" or "layers[0].shift_hours must be a number".</summary>
    private static string Explain(JsonException e, Type type)
    {
        var path = (e.Path ?? "$").TrimStart('$').TrimStart('.');
        var unknown = UnknownProperty().Match(e.Message);
        if (unknown.Success)
        {
            var name = unknown.Groups[1].Value;
            var parent = path == name ? "" : path.EndsWith("." + name, StringComparison.Ordinal) ? path[..^(name.Length + 1)] : path;
            var field = parent.Length == 0 ? name : $"{parent}.{name}";
            var known = parent.Length == 0 ? $" (known fields: kind, {string.Join(", ", FieldsOf(type))})" : "";
            return $"unknown field '{field}'{known}.";
        }
        if (e.Message.StartsWith('\'') && e.Message.Contains("' must ", StringComparison.Ordinal))
            return path.Length == 0 ? e.Message : $"'{path}.{e.Message[1..]}"; // "'layers[0].restrictions' must not hold null (item 0)."
        var what = e.Message.StartsWith("must ", StringComparison.Ordinal) ? e.Message : "has the wrong type (a word, a number, a list or a mapping where another was expected).";
        return path.Length == 0 ? what : $"'{path}' {what}";
    }

    /// <summary>A document type's fields as written: its constructor's parameters, then the fields set apart (told apart from null), in snake_case.</summary>
    public static IEnumerable<string> FieldsOf(Type type)
    {
        var parameters = type.GetConstructors()[0].GetParameters().Select(p => p.Name!).ToList();
        var settable = type.GetProperties()
            .Where(p => p.SetMethod is { IsPublic: true } && p.GetCustomAttributes(typeof(JsonIgnoreAttribute), true).Length == 0 && !parameters.Contains(p.Name, StringComparer.Ordinal))
            .Select(p => p.Name);
        return parameters.Concat(settable).Select(JsonNamingPolicy.SnakeCaseLower.ConvertName);
    }

    /// <summary>Plain scalars are typed as YAML's core schema says (null, true/false, integers); everything else is text.</summary>
    internal static JsonValue? Scalar(string? value, ScalarStyle style, TagName tag)
    {
        var text = value ?? "";
        if (style != ScalarStyle.Plain || (!tag.IsEmpty && !tag.IsNonSpecific && tag.Value == "tag:yaml.org,2002:str"))
            return JsonValue.Create(text);
        if (text is "" or "~" or "null" or "Null" or "NULL")
            return null;
        if (text is "true" or "True" or "TRUE")
            return JsonValue.Create(true);
        if (text is "false" or "False" or "FALSE")
            return JsonValue.Create(false);
        if (Integer().IsMatch(text) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
            return JsonValue.Create(number);
        return JsonValue.Create(text);
    }

    /// <summary>The documents as YAML: a header comment, then one document per object, fields in a fixed order.</summary>
    public static string Write(IEnumerable<ConfigDocument> documents, IEnumerable<string> header)
    {
        var text = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        foreach (var line in header)
            text.WriteLine($"# {line}");
        var emitter = new Emitter(text, new EmitterSettings(2, int.MaxValue, false, 1024, false, true));
        emitter.Emit(new StreamStart());
        foreach (var document in documents)
        {
            emitter.Emit(new DocumentStart(null, null, false));
            var body = JsonSerializer.SerializeToNode(document.Body, document.Body.GetType(), Json)!.AsObject();
            emitter.Emit(new MappingStart());
            Scalar(emitter, JsonValue.Create("kind"));
            Scalar(emitter, JsonValue.Create(document.Kind));
            foreach (var (name, value) in body)
            {
                Scalar(emitter, JsonValue.Create(name));
                Emit(emitter, value);
            }
            emitter.Emit(new MappingEnd());
            emitter.Emit(new DocumentEnd(true));
        }
        emitter.Emit(new StreamEnd());
        return text.ToString();
    }

    private static void Emit(IEmitter emitter, JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                emitter.Emit(new MappingStart(null, null, true, obj.Count == 0 ? MappingStyle.Flow : MappingStyle.Block));
                foreach (var (name, value) in obj)
                {
                    Scalar(emitter, JsonValue.Create(name));
                    Emit(emitter, value);
                }
                emitter.Emit(new MappingEnd());
                break;
            case JsonArray array:
                emitter.Emit(new SequenceStart(null, null, true, array.Count == 0 ? SequenceStyle.Flow : SequenceStyle.Block));
                foreach (var item in array)
                    Emit(emitter, item);
                emitter.Emit(new SequenceEnd());
                break;
            case JsonValue value:
                Scalar(emitter, value);
                break;
            default:
                emitter.Emit(new YamlDotNet.Core.Events.Scalar(null, null, "null", ScalarStyle.Plain, true, false));
                break;
        }
    }

    private static void Scalar(IEmitter emitter, JsonValue value)
    {
        if (value.GetValueKind() == JsonValueKind.String)
        {
            var text = value.GetValue<string>();
            // A string our reader (or YAML 1.1 tools) would take for something else is quoted; the rest stays plain where YAML allows.
            var quote = text.Length == 0 || text.Trim() != text || Scalar(text, ScalarStyle.Any, TagName.Empty) is not { } typed || typed.GetValueKind() != JsonValueKind.String || Clock().IsMatch(text)
                || text is "yes" or "no" or "on" or "off" or "Yes" or "No" or "On" or "Off" or "YES" or "NO" || Numeric().IsMatch(text);
            emitter.Emit(new YamlDotNet.Core.Events.Scalar(null, null, text, quote ? ScalarStyle.DoubleQuoted : ScalarStyle.Any, true, true));
            return;
        }
        emitter.Emit(new YamlDotNet.Core.Events.Scalar(null, null, value.ToJsonString(), ScalarStyle.Plain, true, false));
    }

    /// <summary>Text fields take a plain YAML number or boolean as its text (<c>name: 2024</c> is the name "2024").</summary>
    private sealed class WordConverter : JsonConverter<string>
    {
        public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
        {
            JsonTokenType.String => reader.GetString(),
            JsonTokenType.Number => Encoding.UTF8.GetString(reader.ValueSpan),
            JsonTokenType.True => "true",
            JsonTokenType.False => "false",
            JsonTokenType.Null => null,
            _ => throw new JsonException("must be a word, not a list or a mapping."),
        };

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
    }

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex Integer();

    [GeneratedRegex(@"^[-+]?[0-9._]+([eE][-+]?[0-9]+)?$")]
    private static partial Regex Numeric();

    [GeneratedRegex(@"^[0-9]+(:[0-9]+)+$")]
    private static partial Regex Clock();

    [GeneratedRegex(@"The JSON property '([^']*)' could not be mapped")]
    private static partial Regex UnknownProperty();
}
