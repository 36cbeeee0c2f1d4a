using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.Unicode;
using Steady.Core;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Steady.Server.Features.Config;

/// <summary>
/// Reads a YAML stream into one JSON node per document from YamlDotNet's event parser, with an explicit
/// stack instead of recursion, and stops at the first event past a limit: nesting deeper than
/// <see cref="ConfigYaml.MaxDepth"/>, more than <see cref="ConfigYaml.MaxNodes"/> values (an alias counts as
/// every value it repeats, so a "billion laughs" file is refused, not expanded). Building YamlDotNet's
/// representation model first and checking it afterwards let 50,000 '[' overflow the stack, which no .NET
/// code can catch. The bytes must be UTF-8 and the text may not hold unpaired surrogates.
/// </summary>
public static class BoundedYaml
{
    /// <summary>The documents of <paramref name="utf8"/>, numbered from 1, without the empty ones; or why they cannot be read.</summary>
    public static Outcome<IReadOnlyList<(int Index, JsonNode? Node)>> Read(ReadOnlySpan<byte> utf8)
    {
        if (Decode(utf8) is not { } text)
            return InvalidUtf8(utf8);
        return Read(text);
    }

    public static Outcome<IReadOnlyList<(int Index, JsonNode? Node)>> Read(string yaml)
    {
        var documents = new List<(int, JsonNode?)>();
        var parser = new Parser(new StringReader(yaml));
        var anchors = new Dictionary<string, (JsonNode? Node, int Count, int Height)>(StringComparer.Ordinal);
        var open = new Stack<Open>();
        var budget = ConfigYaml.MaxNodes;
        var index = 0;
        JsonNode? root = null;
        var empty = false;
        try
        {
            while (parser.MoveNext())
            {
                var current = parser.Current!;
                switch (current)
                {
                    case DocumentStart:
                        index++;
                        root = null;
                        empty = false;
                        anchors.Clear();
                        continue;
                    case DocumentEnd:
                        if (!empty)
                            documents.Add((index, root));
                        continue;
                    case StreamStart or StreamEnd or Comment:
                        continue;
                }
                var consumed = ConfigYaml.MaxNodes - budget;
                var awaitingKey = open.Count > 0 && open.Peek() is { Node: JsonObject, Key: null };
                switch (current)
                {
                    case MappingEnd or SequenceEnd:
                        var done = open.Pop();
                        if (done.Anchor is not null)
                            anchors[done.Anchor] = (done.Node, consumed - done.ConsumedBefore, done.Height);
                        Place(open, done.Node, done.Height, ref root);
                        continue;
                    case Scalar { Style: ScalarStyle.Plain, Value: null or "" } when open.Count == 0:
                        empty = true; // an empty document, e.g. after a trailing ---
                        continue;
                }
                if (--budget < 0)
                    return TooMany(index);
                if (awaitingKey && current is not Scalar)
                    return Failure.Invalid($"documents[{index}]", $"document {index}: line {current.Start.Line}: a field name must be a word.");
                switch (current)
                {
                    case MappingStart or SequenceStart:
                        if (open.Count >= ConfigYaml.MaxDepth)
                            return Failure.Invalid($"documents[{index}]", $"document {index}: is nested deeper than {ConfigYaml.MaxDepth} levels (line {current.Start.Line}).");
                        var anchor = ((NodeEvent)current).Anchor;
                        open.Push(new Open(current is MappingStart ? new JsonObject() : new JsonArray(), anchor.IsEmpty ? null : anchor.Value, consumed));
                        continue;
                    case Scalar scalar:
                        if (scalar.Value.Contains('\0', StringComparison.Ordinal))
                            return Failure.Invalid($"documents[{index}]", $"document {index}: line {scalar.Start.Line}: the text holds a NUL character (\\0), which Steady does not take in text.");
                        if (LoneSurrogate(scalar.Value))
                            return Failure.Invalid($"documents[{index}]", $"document {index}: line {scalar.Start.Line}: the text has an unpaired surrogate (\\uD800-\\uDFFF alone), which is not valid Unicode.");
                        if (awaitingKey)
                        {
                            var mapping = open.Peek();
                            if (scalar.Value.Length == 0)
                                return Failure.Invalid($"documents[{index}]", $"document {index}: line {scalar.Start.Line}: a field name must be a word.");
                            if (((JsonObject)mapping.Node).ContainsKey(scalar.Value))
                                return Failure.Invalid($"documents[{index}]", $"document {index}: line {scalar.Start.Line}: '{scalar.Value}' is given twice.");
                            mapping.Key = scalar.Value;
                            continue;
                        }
                        var value = ConfigYaml.Scalar(scalar.Value, scalar.Style, scalar.Tag);
                        if (!scalar.Anchor.IsEmpty)
                            anchors[scalar.Anchor.Value] = (value, 1, 0);
                        Place(open, value, 0, ref root);
                        continue;
                    case AnchorAlias alias:
                        if (!anchors.TryGetValue(alias.Value.Value, out var target))
                            return Failure.Invalid($"documents[{index}]", $"document {index}: line {alias.Start.Line}: the alias *{alias.Value.Value} names no anchor defined before it.");
                        budget -= target.Count - 1;
                        if (budget < 0)
                            return TooMany(index);
                        if (open.Count + target.Height > ConfigYaml.MaxDepth)
                            return Failure.Invalid($"documents[{index}]", $"document {index}: is nested deeper than {ConfigYaml.MaxDepth} levels (line {alias.Start.Line}, counting aliases).");
                        Place(open, target.Node?.DeepClone(), target.Height, ref root);
                        continue;
                }
            }
        }
        catch (YamlException e)
        {
            return Failure.Invalid("yaml", $"The YAML cannot be read at line {e.Start.Line}, column {e.Start.Column}: {Inner(e).Message}");
        }
        return documents;
    }

    /// <summary>Puts a finished value into the mapping (under the key read before it) or list being read, or makes it the document.</summary>
    private static void Place(Stack<Open> open, JsonNode? value, int height, ref JsonNode? root)
    {
        if (open.Count == 0)
        {
            root = value;
            return;
        }
        var parent = open.Peek();
        parent.Height = Math.Max(parent.Height, height + 1);
        if (parent.Node is JsonArray array)
        {
            array.Add(value);
            return;
        }
        parent.Node[parent.Key!] = value;
        parent.Key = null;
    }

    private static Failure TooMany(int index) =>
        Failure.Invalid($"documents[{index}]", $"document {index}: has more than {ConfigYaml.MaxNodes} values (counting aliases).");

    private static string? Decode(ReadOnlySpan<byte> utf8)
    {
        if (utf8.StartsWith("\uFEFF"u8))
            utf8 = utf8[3..];
        return Utf8.IsValid(utf8) ? Encoding.UTF8.GetString(utf8) : null;
    }

    private static Failure InvalidUtf8(ReadOnlySpan<byte> utf8)
    {
        var chars = ArrayPool<char>.Shared.Rent(utf8.Length + 1);
        try
        {
            Utf8.ToUtf16(utf8, chars, out var valid, out _, replaceInvalidSequences: false);
            var line = utf8[..valid].Count((byte)'\n') + 1;
            return Failure.Invalid("yaml", $"The YAML is not valid UTF-8: byte {valid + 1} (line {line}) does not start a UTF-8 character. Save the file as UTF-8.");
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    internal static bool LoneSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                i++;
            else if (char.IsSurrogate(text[i]))
                return true;
        }
        return false;
    }

    private static Exception Inner(Exception e) => e.InnerException is { } inner && inner is not YamlException ? inner : e;

    /// <summary>A mapping or list being read: its node, its anchor, the values read before it began, its height, and (for a mapping) the key waiting for its value.</summary>
    private sealed class Open(JsonNode node, string? anchor, int consumedBefore)
    {
        public JsonNode Node { get; } = node;

        public string? Anchor { get; } = anchor;

        public int ConsumedBefore { get; } = consumedBefore;

        /// <summary>How many levels it holds: 1 for a list of scalars.</summary>
        public int Height { get; set; } = 1;

        public string? Key { get; set; }
    }
}
