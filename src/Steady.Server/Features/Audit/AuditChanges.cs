using System.Text.Encodings.Web;
using System.Text.Json;

namespace Steady.Server.Features.Audit;

/// <summary>
/// An audit entry's changes, read for people: one row per field with its value before and after.
/// Values that are themselves JSON (a policy's steps, a schedule's layers) are shown as compact JSON
/// rather than as an escaped string, and ids of people, teams, services, schedules and policies by
/// their names.
/// </summary>
public static partial class AuditChanges
{
    public sealed record Change(string Field, string? Before, string? After);

    private static readonly JsonSerializerOptions Readable = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static IReadOnlyList<Change> Read(string changes, IReadOnlyDictionary<Guid, string> names)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(changes);
        }
        catch (JsonException)
        {
            return [new Change("changes", null, changes)];
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                return [new Change("changes", null, Text(doc.RootElement, names))];
            var result = new List<Change>();
            foreach (var field in doc.RootElement.EnumerateObject())
            {
                if (field.Value.ValueKind == JsonValueKind.Array && field.Value.GetArrayLength() is 1 or 2)
                {
                    var values = field.Value.EnumerateArray().ToList();
                    result.Add(values.Count == 1
                        ? new Change(field.Name, null, Text(values[0], names))
                        : new Change(field.Name, Text(values[0], names), Text(values[1], names)));
                }
                else
                {
                    result.Add(new Change(field.Name, null, Text(field.Value, names)));
                }
            }
            return result;
        }
    }

    /// <summary>The ids a text mentions (an entry's changes or its entity id), to look their names up.</summary>
    public static IEnumerable<Guid> Ids(string text) =>
        GuidPattern().Matches(text).Select(m => Guid.Parse(m.ValueSpan));

    /// <summary>An entity id ("team/user" for a membership) with each id that has a name shown by it.</summary>
    public static string Name(string entityId, IReadOnlyDictionary<Guid, string> names) =>
        GuidPattern().Replace(entityId, m => names.TryGetValue(Guid.Parse(m.ValueSpan), out var name) ? name : m.Value);

    [System.Text.RegularExpressions.GeneratedRegex("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")]
    private static partial System.Text.RegularExpressions.Regex GuidPattern();

    private static string? Text(JsonElement value, IReadOnlyDictionary<Guid, string> names)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Null or JsonValueKind.Undefined:
                return null;
            case JsonValueKind.String:
                var text = value.GetString() ?? "";
                if (Guid.TryParse(text, out var id) && names.TryGetValue(id, out var name))
                    return name;
                if (text.Length > 1 && text[0] is '{' or '[')
                {
                    try
                    {
                        using var inner = JsonDocument.Parse(text);
                        return JsonSerializer.Serialize(inner.RootElement, Readable);
                    }
                    catch (JsonException)
                    {
                        return text;
                    }
                }
                return text;
            default:
                return JsonSerializer.Serialize(value, Readable);
        }
    }
}
