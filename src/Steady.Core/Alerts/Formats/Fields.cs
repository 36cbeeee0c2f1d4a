using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Steady.Core.Alerts.Formats;

/// <summary>
/// Reads the fields of an intake payload, collecting an error naming the path for each one that is wrong.
/// A field longer than its limit is wrong, the same in every format: the request is refused whole, never
/// stored cut short. (A title Steady derives from other fields, such as an Alertmanager alert's from its
/// description, is shortened for display instead: the sender's fields were within their limits.)
/// </summary>
internal sealed class Fields(List<string> errors)
{
    public List<string> Errors { get; } = errors;

    public bool Object(JsonElement element, string path)
    {
        if (element.ValueKind == JsonValueKind.Object)
            return true;
        Errors.Add($"{path} must be a JSON object.");
        return false;
    }

    /// <summary>A string field, at most <paramref name="max"/> characters (by default as long as a label may be).</summary>
    public string? String(JsonElement parent, string name, string path, int max = IntakeLimits.MaxLabelBytes, bool required = false)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required)
                Errors.Add($"{path}.{name} is required.");
            return null;
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            Errors.Add($"{path}.{name} must be a string.");
            return null;
        }
        var text = value.GetString()!;
        if (required && string.IsNullOrWhiteSpace(text))
        {
            Errors.Add($"{path}.{name} must not be empty.");
            return null;
        }
        if (text.Length > max)
        {
            Errors.Add($"{path}.{name} is {text.Length} characters; at most {max} are allowed.");
            return null;
        }
        return text;
    }

    /// <summary>A key whose length is a contract (dedup keys).</summary>
    public string? Key(JsonElement parent, string name, string path)
    {
        var key = String(parent, name, path);
        if (key is not null && key.Length > IntakeLimits.MaxDedupKeyLength)
        {
            Errors.Add($"{path}.{name} must be at most {IntakeLimits.MaxDedupKeyLength} characters.");
            return null;
        }
        return string.IsNullOrEmpty(key) ? null : key;
    }

    public DateTimeOffset? Time(JsonElement parent, string name, string path)
    {
        var text = String(parent, name, path);
        if (text is null)
            return null;
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
            return SaneDates.Contains(at) ? at : null; // Alertmanager sends 0001-01-01 for "no end": as if not given, the time of arrival counts
        Errors.Add($"{path}.{name} must be an ISO 8601 timestamp.");
        return null;
    }

    /// <summary>A JSON object of labels; numbers and booleans are taken as their text. At most 64, each at most 4 KiB.</summary>
    public Dictionary<string, string> Labels(JsonElement parent, string name, string path)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            return labels;
        if (value.ValueKind != JsonValueKind.Object)
        {
            Errors.Add($"{path}.{name} must be a JSON object of string values.");
            return labels;
        }
        foreach (var label in value.EnumerateObject())
        {
            var text = label.Value.ValueKind switch
            {
                JsonValueKind.String => label.Value.GetString()!,
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => label.Value.GetRawText(),
                _ => null,
            };
            if (text is null)
            {
                Errors.Add($"{path}.{name}.{label.Name} must be a string.");
                continue;
            }
            if (label.Name.Length == 0)
            {
                Errors.Add($"{path}.{name} has a label with an empty name.");
                continue;
            }
            if (Encoding.UTF8.GetByteCount(label.Name) > IntakeLimits.MaxLabelBytes || Encoding.UTF8.GetByteCount(text) > IntakeLimits.MaxLabelBytes)
            {
                Errors.Add($"{path}.{name}.{Cut(label.Name)} is over {IntakeLimits.MaxLabelBytes / 1024} KiB.");
                continue;
            }
            labels[label.Name] = text;
        }
        if (labels.Count > IntakeLimits.MaxLabels)
            Errors.Add($"{path}.{name} has {labels.Count} labels; at most {IntakeLimits.MaxLabels} are allowed.");
        return labels;
    }

    /// <summary>Any JSON value kept as its text (annotations, custom_details), up to 64 KiB.</summary>
    public string? Raw(JsonElement parent, string name, string path)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            return null;
        var text = value.GetRawText();
        if (Encoding.UTF8.GetByteCount(text) > IntakeLimits.MaxDetailsBytes)
        {
            Errors.Add($"{path}.{name} is over {IntakeLimits.MaxDetailsBytes / 1024} KiB.");
            return null;
        }
        return text;
    }

    /// <summary>PagerDuty-style links: [{"href": "...", "text": "..."}].</summary>
    public List<AlertLink> Links(JsonElement parent, string name, string path)
    {
        var links = new List<AlertLink>();
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            return links;
        if (value.ValueKind != JsonValueKind.Array)
        {
            Errors.Add($"{path}.{name} must be an array of {{\"href\", \"text\"}} objects.");
            return links;
        }
        var i = 0;
        foreach (var item in value.EnumerateArray())
        {
            var itemPath = $"{path}.{name}[{i++}]";
            if (!Object(item, itemPath))
                continue;
            var href = String(item, "href", itemPath, 2000, required: true);
            if (href is not null)
                AddLink(links, href, String(item, "text", itemPath, 500), itemPath + ".href");
        }
        return links;
    }

    public void AddLink(List<AlertLink> links, string href, string? text, string path)
    {
        if (!Uri.TryCreate(href, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            Errors.Add($"{path} must be an absolute http or https URL.");
            return;
        }
        if (links.Count < IntakeLimits.MaxLinks)
            links.Add(new AlertLink(href, text));
    }

    /// <summary>A stable key for an alert that came without one: a hash of its sorted labels (or summary).</summary>
    public static string Fingerprint(IReadOnlyDictionary<string, string> labels, string fallback)
    {
        var text = labels.Count == 0
            ? fallback
            : string.Join('\u001f', labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => l.Key + "\u001e" + l.Value));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];
    }

    private static string Cut(string name) => name.Length > 40 ? name[..40] + "…" : name;
}
