using System.Text.Json;
using System.Text.Json.Nodes;
using Steady.Core;
using Steady.Server.Infrastructure;

namespace Steady.Server.Features.Import;

/// <summary>
/// A tool's export as sent to <c>POST /api/v1/import/{source}</c>: one JSON object whose fields are the
/// folder's file names (relative, like <c>users.json</c> or <c>overrides/PABC123.json</c>) and whose values
/// are the files' JSON as the tool's API returned it — embedded, or as a string of JSON text. A file
/// that is not JSON is a problem named by its file; the others are still read, so the plan names every one.
/// </summary>
public sealed class ExportFolder
{
    private readonly Dictionary<string, JsonNode?> _files = new(StringComparer.Ordinal);

    public IEnumerable<string> Names => _files.Keys.Order(StringComparer.Ordinal);

    /// <param name="known">Which file names the source's export has: any other is a problem (a typo, or a file of another tool).</param>
    public static Outcome<ExportFolder> Read(ReadOnlySpan<byte> body, ImportPlan plan, Func<string, bool> known, string knownText)
    {
        if (RequestText.CheckJson(body) is { } problem)
            return Failure.Invalid(problem.Field, problem.Message);
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { MaxDepth = 64, AllowDuplicateProperties = false });
        }
        catch (JsonException e)
        {
            return Failure.Invalid("body", $"The body must be a JSON object of file name → file content (what 'steady import --from FOLDER' sends): {e.Message}");
        }
        if (root is not JsonObject files || files.Count == 0)
            return Failure.Invalid("body", "The body must be a JSON object of file name → file content, with at least one file.");
        var folder = new ExportFolder();
        foreach (var (name, value) in files)
        {
            if (!known(name))
            {
                plan.Problem(name, "(file)", $"is not a file of this export (its files: {knownText}).");
                continue;
            }
            if (value is JsonValue text && text.TryGetValue<string>(out var content))
            {
                try
                {
                    folder._files[name] = JsonNode.Parse(content, documentOptions: new JsonDocumentOptions { MaxDepth = 64 });
                }
                catch (JsonException e)
                {
                    plan.Problem(name, "(file)", $"is not JSON: {e.Message}");
                }
                continue;
            }
            folder._files[name] = value;
        }
        return folder;
    }

    public bool Has(string file) => _files.ContainsKey(file);

    /// <summary>The files in a subfolder (<c>overrides/</c>), with the rest of their name.</summary>
    public IEnumerable<(string File, string Remainder)> Under(string folder) =>
        Names.Where(n => n.StartsWith(folder + "/", StringComparison.Ordinal)).Select(n => (n, n[(folder.Length + 1)..]));

    /// <summary>
    /// The objects of a list-shaped file: the array under <paramref name="property"/> (<c>{"users": [...]}</c>),
    /// or the file itself when it is an array. Absent files are empty; wrong shapes are problems of the file.
    /// </summary>
    public IReadOnlyList<JsonObject> List(string file, string property, ImportPlan plan, bool required = false)
    {
        if (!_files.TryGetValue(file, out var node))
        {
            if (required)
                plan.Problem(file, "(file)", $"is missing: the export needs it (a JSON object with a \"{property}\" list).");
            return [];
        }
        var array = node switch
        {
            JsonArray a => a,
            JsonObject o when o[property] is JsonArray a => a,
            _ => null,
        };
        if (array is null)
        {
            plan.Problem(file, "(file)", $"must be a JSON object with a \"{property}\" list, or a list.");
            return [];
        }
        var objects = new List<JsonObject>();
        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is JsonObject o)
                objects.Add(o);
            else
                plan.Problem(file, $"{property}[{i}]", "is not an object.");
        }
        return objects;
    }
}

/// <summary>Reading fields of a tool's JSON without throwing: wrong types read as absent.</summary>
public static class Json
{
    public static string? Text(this JsonNode? node, string name) =>
        node is JsonObject o && o[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public static long? Number(this JsonNode? node, string name)
    {
        if (node is not JsonObject o || o[name] is not JsonValue v)
            return null;
        if (v.TryGetValue<long>(out var l))
            return l;
        if (v.TryGetValue<double>(out var d) && d == Math.Floor(d) && Math.Abs(d) < 1e15)
            return (long)d;
        return v.TryGetValue<string>(out var s) && long.TryParse(s, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var p) ? p : null;
    }

    public static bool? Bool(this JsonNode? node, string name) =>
        node is JsonObject o && o[name] is JsonValue v && v.TryGetValue<bool>(out var b) ? b : null;

    public static JsonObject? Object(this JsonNode? node, string name) => node is JsonObject o ? o[name] as JsonObject : null;

    public static IReadOnlyList<JsonNode?> Array(this JsonNode? node, string name) => node is JsonObject o && o[name] is JsonArray a ? a.ToList() : [];
}
