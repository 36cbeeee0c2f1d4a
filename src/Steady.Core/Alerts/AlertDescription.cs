using System.Globalization;
using System.Text.Json;

namespace Steady.Core.Alerts;

/// <summary>One thing a monitoring tool said about an alert, as a person reads it: "free space: 1%".</summary>
public sealed record AlertField(string Name, string Value);

/// <summary>
/// What a monitoring tool said about an alert beyond its summary, ready for a person: the description
/// (Alertmanager's and Grafana's <c>description</c> annotation, Grafana's legacy <c>message</c>, details
/// sent as plain text) and the other fields (annotations, PagerDuty's <c>custom_details</c>, a generic
/// alert's <c>details</c>, a check's result) as name and value. What only repeats the summary or one of
/// the alert's links is left out, so a message never says the same thing twice.
/// </summary>
public sealed record AlertDescription(string? Text, IReadOnlyList<AlertField> Fields)
{
    public const int MaxTextLength = 4000;
    public const int MaxFields = 20;
    public const int MaxValueLength = 500;

    /// <summary>The field names that hold the description, in the order they are looked for (case-insensitive).</summary>
    private static readonly string[] DescriptionNames = ["description", "message", "details"];

    /// <summary>Names that hold the summary or a link the alert shows anyway.</summary>
    private static readonly HashSet<string> Shown = new(StringComparer.OrdinalIgnoreCase) { "summary", "title", "runbook_url" };

    public static readonly AlertDescription None = new(null, []);

    public bool IsEmpty => Text is null && Fields.Count == 0;

    /// <summary>What the alert's stored details say beyond its summary and its links.</summary>
    public static AlertDescription Of(Alert alert) => Read(alert.Details, alert.Summary, Hrefs(alert.Links));

    /// <summary>Reads an alert's stored details (any JSON value, or null) next to its summary and the hrefs of its links.</summary>
    public static AlertDescription Read(string? details, string summary, IEnumerable<string>? linkHrefs = null)
    {
        if (string.IsNullOrWhiteSpace(details))
            return None;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(details);
        }
        catch (JsonException)
        {
            return None;
        }
        using (document)
        {
            var links = new HashSet<string>(linkHrefs ?? [], StringComparer.Ordinal);
            var root = document.RootElement;
            switch (root.ValueKind)
            {
                case JsonValueKind.String:
                    return new AlertDescription(Say(root.GetString(), summary, MaxTextLength), []);
                case JsonValueKind.Object:
                    break;
                case JsonValueKind.Null or JsonValueKind.Undefined:
                    return None;
                default:
                    return Value(root) is { } value && Say(value, summary, MaxValueLength) is { } said ? new AlertDescription(null, [new AlertField("details", said)]) : None;
            }
            string? text = null;
            string? textName = null;
            foreach (var name in DescriptionNames)
            {
                var property = root.EnumerateObject().FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
                if (property.Value.ValueKind == JsonValueKind.String && Say(property.Value.GetString(), summary, MaxTextLength) is { } said)
                {
                    (text, textName) = (said, property.Name);
                    break;
                }
            }
            var fields = new List<AlertField>();
            foreach (var property in root.EnumerateObject())
            {
                if (property.Name == textName || Shown.Contains(property.Name) || property.Name.Length == 0)
                    continue;
                if (Value(property.Value) is not { } value || links.Contains(value) || Say(value, summary, MaxValueLength) is not { } said)
                    continue;
                if (fields.Count == MaxFields)
                {
                    fields.Add(new AlertField("…", "more in the alert's details"));
                    break;
                }
                fields.Add(new AlertField(Cut(property.Name, 100), said));
            }
            return new AlertDescription(text, fields);
        }
    }

    /// <summary>The hrefs of stored links (a JSON array of {href, text}, in any letter case).</summary>
    private static IEnumerable<string> Hrefs(string? links)
    {
        if (string.IsNullOrEmpty(links))
            return [];
        try
        {
            return JsonSerializer.Deserialize<List<AlertLink>>(links, LinkJson)?.Select(l => l.Href).Where(h => h is not null).ToList() ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private static readonly JsonSerializerOptions LinkJson = new(JsonSerializerDefaults.Web);

    /// <summary>A value as text: strings as they are, numbers and booleans as written, objects and arrays as compact JSON; null for null.</summary>
    private static string? Value(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Object or JsonValueKind.Array => JsonSerializer.Serialize(value),
        _ => null,
    };

    /// <summary>The text worth saying, trimmed and cut to <paramref name="max"/>; null when empty or when the summary already says it.</summary>
    private static string? Say(string? text, string summary, int max)
    {
        text = text?.Trim();
        if (string.IsNullOrEmpty(text))
            return null;
        var said = summary.Trim();
        if (string.Equals(text, said, StringComparison.Ordinal) || (text.Length >= 12 && said.Contains(text, StringComparison.Ordinal)))
            return null;
        return Cut(text, max);
    }

    private static string Cut(string text, int max)
    {
        if (text.Length <= max)
            return text;
        var cut = max - 1;
        if (char.IsHighSurrogate(text[cut - 1]))
            cut--;
        return text[..cut] + "…";
    }

    /// <summary>"name: value" lines, for plain-text messages.</summary>
    public string FieldLines() => string.Join('\n', Fields.Select(f => string.Create(CultureInfo.InvariantCulture, $"{f.Name}: {f.Value}")));
}
