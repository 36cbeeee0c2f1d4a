using System.Text.Json;

namespace Steady.Server.Tests.Corpus;

/// <summary>One operation of the server's OpenAPI document: its route as written, its parameters and the schema of its JSON body.</summary>
internal sealed record Operation(string Method, string Route, IReadOnlyList<Parameter> Parameters, Schema? Body, IReadOnlyList<string> BodyTypes)
{
    public static List<Operation> Read(JsonElement document)
    {
        var components = document.GetProperty("components").GetProperty("schemas");
        var operations = new List<Operation>();
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                var parameters = operation.Value.TryGetProperty("parameters", out var list)
                    ? list.EnumerateArray().Select(p => new Parameter(p.GetProperty("name").GetString()!, p.GetProperty("in").GetString()!, new Schema(p.GetProperty("schema"), components))).ToList()
                    : [];
                Schema? body = null;
                var types = new List<string>();
                if (operation.Value.TryGetProperty("requestBody", out var requestBody))
                {
                    foreach (var content in requestBody.GetProperty("content").EnumerateObject())
                    {
                        types.Add(content.Name);
                        if (content.Name == "application/json" && content.Value.TryGetProperty("schema", out var schema))
                            body = new Schema(schema, components);
                    }
                }
                operations.Add(new Operation(operation.Name.ToUpperInvariant(), path.Name, parameters, body, types));
            }
        }
        return operations;
    }
}

internal sealed record Parameter(string Name, string In, Schema Schema);

/// <summary>A JSON schema of the document, its references followed: what kind of value, in what format, with which properties.</summary>
internal sealed class Schema(JsonElement element, JsonElement components)
{
    private JsonElement Element { get; } = Resolve(element, components);

    /// <summary>string, integer, number, boolean, array, object — or any (a JsonElement: whatever JSON).</summary>
    public string Kind
    {
        get
        {
            if (!Element.TryGetProperty("type", out var type))
                return Element.TryGetProperty("properties", out _) ? "object" : "any";
            var kinds = type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()!).ToList() : [type.GetString()!];
            kinds.Remove("null");
            // An integer may also be written as a string of digits ("type": ["integer", "string"]): it is an integer.
            return kinds.Contains("integer") ? "integer" : kinds.Contains("number") ? "number" : kinds.FirstOrDefault() ?? "any";
        }
    }

    public string? Format => Element.TryGetProperty("format", out var format) ? format.GetString() : null;

    public bool Nullable => Element.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.Array && type.EnumerateArray().Any(t => t.GetString() == "null");

    /// <summary>A map of names to values (additionalProperties), such as labels or settings: any key is fine.</summary>
    public bool IsMap => Element.TryGetProperty("additionalProperties", out var more) && more.ValueKind == JsonValueKind.Object;

    public Schema? Items => Element.TryGetProperty("items", out var items) ? new Schema(items, components)
        : Element.TryGetProperty("additionalProperties", out var more) && more.ValueKind == JsonValueKind.Object ? new Schema(more, components) : null;

    public IEnumerable<(string Name, Schema Schema)> Properties => Element.TryGetProperty("properties", out var properties)
        ? properties.EnumerateObject().Select(p => (p.Name, new Schema(p.Value, components)))
        : [];

    public IReadOnlySet<string> Required => Element.TryGetProperty("required", out var required)
        ? required.EnumerateArray().Select(r => r.GetString()!).ToHashSet(StringComparer.Ordinal)
        : new HashSet<string>();

    private static JsonElement Resolve(JsonElement schema, JsonElement components)
    {
        for (var i = 0; i < 10 && schema.TryGetProperty("$ref", out var reference); i++)
            schema = components.GetProperty(reference.GetString()!.Split('/')[^1]);
        return schema;
    }
}
