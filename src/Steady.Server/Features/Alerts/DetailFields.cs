using System.Text.Json;

namespace Steady.Server.Features.Alerts;

/// <summary>
/// An alert's details as sent, as a readable list of keys and values: nested objects become
/// dotted paths ("annotations.runbook_url"), arrays indexed ("alerts[0].status"), at most
/// <see cref="Max"/> entries (the raw JSON stays one click away).
/// </summary>
public static class DetailFields
{
    public const int Max = 200;

    public static IReadOnlyList<(string Key, string Value)> Flatten(JsonElement details)
    {
        var fields = new List<(string, string)>();
        Walk(details, "", fields);
        return fields;
    }

    private static void Walk(JsonElement element, string path, List<(string, string)> fields)
    {
        if (fields.Count >= Max)
            return;
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var any = false;
                foreach (var property in element.EnumerateObject())
                {
                    any = true;
                    Walk(property.Value, path.Length == 0 ? property.Name : $"{path}.{property.Name}", fields);
                }
                if (!any && path.Length > 0)
                    fields.Add((path, "{}"));
                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                    Walk(item, $"{path}[{index++}]", fields);
                if (index == 0)
                    fields.Add((path, "[]"));
                break;
            case JsonValueKind.String:
                fields.Add((path.Length == 0 ? "value" : path, element.GetString() ?? ""));
                break;
            default:
                fields.Add((path.Length == 0 ? "value" : path, element.GetRawText()));
                break;
        }
    }
}
