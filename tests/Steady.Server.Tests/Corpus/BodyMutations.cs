using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Steady.Server.Tests.Corpus;

/// <summary>What the server must do with a request of the corpus.</summary>
internal enum Expect
{
    /// <summary>Any answer but a 5xx (a wrongly typed optional field may be refused or ignored).</summary>
    Answer,

    /// <summary>A 4xx: the input is wrong whatever the endpoint.</summary>
    Refused,
}

/// <summary>A body of the corpus: what was done to the valid one, its bytes, and what the server must answer (naming <paramref name="Names"/>).</summary>
internal sealed record MutatedBody(string What, byte[] Bytes, Expect Expect, string? Names = null);

/// <summary>
/// Turns one valid JSON body into many wrong ones: every value (those of the body and those its schema
/// allows) wrongly typed, null, missing, too long, invalid text (an unpaired surrogate, invalid UTF-8),
/// a date in year 1 or 9999, a number too big, a list with a null, nested too deep; and the body as a
/// whole unknown properties, duplicate keys, not JSON, too deep, too big.
/// </summary>
internal sealed class BodyMutations(BodyRules rules, bool heavy)
{
    private const string Marker = "\u0001corpus-raw\u0001";
    private static readonly byte[] EncodedMarker = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(Marker));

    /// <summary>"caf" and then C3 28: a two-byte UTF-8 start followed by a byte that cannot continue it.</summary>
    private static readonly byte[] InvalidUtf8 = [(byte)'"', (byte)'c', (byte)'a', (byte)'f', 0xC3, 0x28, (byte)'"'];

    public IEnumerable<MutatedBody> For(JsonNode? valid, Schema? schema)
    {
        var typed = rules.Typed && schema is not null && schema.Kind != "any";
        foreach (var body in Whole(valid, typed))
            yield return body;
        foreach (var leaf in Leaves(valid, schema, [], rules.Typed))
        {
            foreach (var body in AtLeaf(valid, leaf))
                yield return body;
        }
    }

    private IEnumerable<MutatedBody> Whole(JsonNode? valid, bool typed)
    {
        var refuse = typed ? Expect.Refused : Expect.Answer;
        yield return new("an empty body", [], refuse);
        yield return new("a body that is not JSON", "{\"a\": "u8.ToArray(), Expect.Refused);
        yield return new("a JSON list", "[]"u8.ToArray(), refuse);
        yield return new("a JSON string", "\"x\""u8.ToArray(), refuse);
        yield return new("JSON null", "null"u8.ToArray(), refuse);
        if (heavy)
        {
            yield return new("400,000 nested lists", Encoding.ASCII.GetBytes(new string('[', 400_000) + new string(']', 400_000)), Expect.Refused);
            yield return new("a body of 1.5 MiB", Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { padding = new string('x', 1536 * 1024) })), Expect.Refused);
        }
        if (valid is JsonObject obj)
        {
            var withUnknown = (JsonObject)obj.DeepClone();
            withUnknown["corpusUnknownField"] = 1;
            yield return new("an unknown property", Bytes(withUnknown), typed && rules.UnknownRefused ? Expect.Refused : Expect.Answer);
            if (obj.Count > 0)
            {
                var first = obj.First();
                var text = Encoding.UTF8.GetString(Bytes(obj));
                var duplicate = "{" + JsonSerializer.Serialize(first.Key) + ":" + (first.Value?.ToJsonString() ?? "null") + "," + text[1..];
                yield return new($"'{first.Key}' given twice", Encoding.UTF8.GetBytes(duplicate), typed && rules.UnknownRefused ? Expect.Refused : Expect.Answer);
            }
            var badName = (JsonObject)obj.DeepClone();
            badName[Marker] = 1;
            yield return new("invalid UTF-8 in a property name", Replace(Bytes(badName), InvalidUtf8), Expect.Refused, "$");
        }
    }

    private IEnumerable<MutatedBody> AtLeaf(JsonNode? valid, Leaf leaf)
    {
        var path = PathText(leaf.Path);
        var kind = leaf.Schema?.Kind ?? KindOf(leaf.Value);
        var typed = leaf.Typed && leaf.Schema is not null && kind != "any";
        var wrongType = typed ? Expect.Refused : Expect.Answer;
        MutatedBody Set(string what, JsonNode? value, Expect expect, string? names = null) => new($"{path}: {what}", Bytes(With(valid, leaf.Path, value)), expect, names);
        MutatedBody Raw(string what, ReadOnlySpan<byte> raw, Expect expect, string? names = null) =>
            new($"{path}: {what}", Replace(Bytes(With(valid, leaf.Path, JsonValue.Create(Marker))), raw), expect, names);

        yield return Set("null", null, Expect.Answer);
        if (leaf.Parent?.Required.Contains(leaf.Path[^1] as string ?? "") == true && leaf.Typed)
            yield return new($"{path}: missing", Bytes(With(valid, leaf.Path, null, remove: true)), Expect.Refused);
        switch (kind)
        {
            case "string":
                yield return Raw("an unpaired surrogate", "\"a\\ud800b\""u8, Expect.Refused, path);
                yield return Raw("invalid UTF-8", InvalidUtf8, Expect.Refused, path);
                yield return Set("100,000 characters", new string('x', 100_000), rules.Oversized(path, typed) ? Expect.Refused : Expect.Answer);
                yield return Set("a NUL character", "a\u0000b", Expect.Refused, path);
                if (!leaf.Typed)
                    yield return Set("control characters", "a\u0007b\u001bc", Expect.Answer); // typed fields: Validation's own rule, tested where it is
                yield return Set("a number", 12345, wrongType);
                if (leaf.Schema?.Format == "date-time")
                {
                    yield return Set("year 9999", "9999-12-31T23:59:59Z", Expect.Refused);
                    yield return Set("year 1", "0001-01-01T00:00:00Z", Expect.Refused);
                    yield return Set("not a date", "yesterday", wrongType);
                }
                if (leaf.Schema?.Format == "uuid")
                    yield return Set("not a uuid", "not-a-uuid", wrongType);
                break;
            case "integer" or "number":
                yield return Raw("1e309", "1e309"u8, wrongType);
                yield return Raw("2^63", "9223372036854775808"u8, kind == "integer" ? wrongType : Expect.Answer);
                yield return Set("-1", -1, Expect.Answer);
                yield return Set("a word", "abc", wrongType);
                if (kind == "integer")
                    yield return Set("1.5", 1.5, wrongType);
                break;
            case "boolean":
                yield return Set("a word", "yes", wrongType);
                yield return Set("a number", 1, wrongType);
                break;
            case "array":
                yield return Set("a list holding null", new JsonArray((JsonNode?)null), typed && leaf.Schema?.Items?.Nullable != true ? Expect.Refused : Expect.Answer);
                yield return Set("an object", new JsonObject(), wrongType);
                yield return Raw("10,000 nested lists", Encoding.ASCII.GetBytes(new string('[', 10_000) + new string(']', 10_000)), Expect.Refused);
                break;
            case "object":
                yield return Set("a list", new JsonArray(), wrongType);
                yield return Raw("10,000 nested objects", Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("{\"a\":", 10_000)) + "1" + new string('}', 10_000)), Expect.Refused);
                if (leaf.Schema?.IsMap == true)
                    yield return Set("a map holding null", new JsonObject { ["k"] = null }, leaf.Schema.Items?.Nullable == true ? Expect.Answer : Expect.Refused);
                break;
            case "any":
                yield return Raw("an unpaired surrogate", "\"\\udc00\""u8, Expect.Refused, path);
                yield return Raw("a NUL character", "\"\\u0000\""u8, Expect.Refused, path);
                yield return Raw("10,000 nested lists", Encoding.ASCII.GetBytes(new string('[', 10_000) + new string(']', 10_000)), Expect.Refused);
                break;
        }
    }

    /// <summary>Every value of the body and every property its schema has (and the first item of every list), depth first.</summary>
    private static IEnumerable<Leaf> Leaves(JsonNode? node, Schema? schema, List<object> path, bool typed, Schema? parent = null)
    {
        if (path.Count > 0)
            yield return new Leaf(path.ToList(), node, schema, parent, typed);
        var kind = schema?.Kind ?? KindOf(node);
        if (kind == "any" && node is not null)
            kind = KindOf(node);
        var childrenTyped = typed && schema is not null && schema.Kind != "any";
        if (kind == "object" && path.Count < 6)
        {
            var names = new List<string>();
            if (schema is not null && !schema.IsMap)
                names.AddRange(schema.Properties.Select(p => p.Name));
            if (node is JsonObject obj)
                names.AddRange(obj.Select(p => p.Key).Where(n => !names.Contains(n)));
            foreach (var name in names)
            {
                var child = schema?.Properties.Where(p => p.Name == name).Select(p => p.Schema).FirstOrDefault() ?? (schema?.IsMap == true ? schema.Items : null);
                foreach (var leaf in Leaves((node as JsonObject)?[name], child, [.. path, name], childrenTyped, schema))
                    yield return leaf;
            }
        }
        else if (kind == "array" && path.Count < 6)
        {
            foreach (var leaf in Leaves((node as JsonArray)?.FirstOrDefault(), schema?.Items, [.. path, 0], childrenTyped, null))
                yield return leaf;
        }
    }

    private static string KindOf(JsonNode? node) => node?.GetValueKind() switch
    {
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Array => "array",
        JsonValueKind.Object => "object",
        _ => "any",
    };

    /// <summary>The path as the server names it: $.a.b[0], $['odd name'].</summary>
    public static string PathText(IEnumerable<object> path)
    {
        var text = new StringBuilder("$");
        foreach (var segment in path)
        {
            if (segment is int index)
                text.Append('[').Append(index).Append(']');
            else if (segment is string name && name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
                text.Append('.').Append(name);
            else
                text.Append("['").Append(segment).Append("']");
        }
        return text.ToString();
    }

    /// <summary>A copy of <paramref name="root"/> with the value at <paramref name="path"/> set (or removed), creating what is missing on the way.</summary>
    private static JsonNode? With(JsonNode? root, IReadOnlyList<object> path, JsonNode? value, bool remove = false)
    {
        var copy = root?.DeepClone() ?? (path[0] is int ? new JsonArray() : new JsonObject());
        JsonNode current = copy;
        for (var i = 0; i < path.Count; i++)
        {
            var last = i == path.Count - 1;
            JsonNode? Fresh() => last ? value : path[i + 1] is int ? new JsonArray() : new JsonObject();
            if (path[i] is string name && current is JsonObject obj)
            {
                if (last && remove)
                {
                    obj.Remove(name);
                    break;
                }
                if (last || obj[name] is null || (path[i + 1] is int ? obj[name] is not JsonArray : obj[name] is not JsonObject))
                    obj[name] = Fresh();
                if (!last)
                    current = obj[name]!;
            }
            else if (path[i] is int index && current is JsonArray array)
            {
                if (array.Count <= index)
                    array.Add(Fresh());
                else if (last || array[index] is null || (path[i + 1] is int ? array[index] is not JsonArray : array[index] is not JsonObject))
                    array[index] = Fresh();
                if (!last)
                    current = array[index]!;
            }
        }
        return copy;
    }

    private static byte[] Bytes(JsonNode? node) => Encoding.UTF8.GetBytes(node?.ToJsonString() ?? "null");

    private static byte[] Replace(byte[] json, ReadOnlySpan<byte> raw)
    {
        var at = json.AsSpan().IndexOf(EncodedMarker);
        return at < 0 ? json : [.. json.AsSpan(0, at), .. raw, .. json.AsSpan(at + EncodedMarker.Length)];
    }

    private sealed record Leaf(List<object> Path, JsonNode? Value, Schema? Schema, Schema? Parent, bool Typed);
}

/// <summary>
/// What an endpoint's body promises. <see cref="Typed"/>: read into a type (unknown fields, wrong types and nulls in lists are
/// the client's error); <see cref="UnknownRefused"/>: unknown and repeated properties are refused; <see cref="Oversized"/>:
/// a 100,000-character value at this path is refused.
/// </summary>
internal sealed record BodyRules(bool Typed, bool UnknownRefused, Func<string, bool, bool> Oversized)
{
    public static readonly BodyRules Api = new(true, true, (_, typed) => typed);
}
