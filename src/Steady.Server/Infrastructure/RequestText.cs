using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Microsoft.Net.Http.Headers;

namespace Steady.Server.Infrastructure;

/// <summary>
/// Text is valid by construction: before any parser sees a JSON or form body, every string, property
/// name, form field name and value in it is checked to be valid Unicode — UTF-8 without invalid bytes,
/// and JSON escapes without an unpaired surrogate such as "\ud800" — and free of NUL (U+0000, which
/// PostgreSQL cannot store; query parameters are checked for it too), and a request that holds one is
/// refused whole with a 400 naming where. So nothing downstream can store text that cannot be written
/// back out (an unpaired surrogate in an alert's details once made every alert list fail), and every
/// entry point (API, intake, console forms) refuses the same way. Bodies in other encodings (a charset
/// other than UTF-8) and multipart bodies, which nothing in Steady takes, are refused with 415.
/// </summary>
public static class RequestText
{
    private static readonly object BodyKey = new();

    /// <summary>Endpoint metadata: the endpoint reads its body as JSON whatever its Content-Type says (intake: senders label JSON as anything).</summary>
    public static readonly object ReadsJson = new ReadsJsonBody();

    /// <summary>PostgreSQL cannot store U+0000 in text, so no database takes it: it is refused where it comes in.</summary>
    private const string HoldsNul = "holds a NUL character (\\u0000), which Steady does not take in text.";

    /// <summary>The first invalid text in a body: the field (a JSON path, a form field's name) and a sentence naming it.</summary>
    public sealed record Problem(string Field, string Message);

    public static IApplicationBuilder UseRequestText(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (CheckQuery(context.Request.Query) is { } badQuery)
        {
            await RefuseAsync(context, 400, "The query string holds text Steady does not take.", badQuery.Message, badQuery.Field);
            return;
        }
        var kind = context.GetEndpoint()?.Metadata.GetMetadata<ReadsJsonBody>() is not null ? BodyKind.Json : KindOf(context.Request);
        if (kind == BodyKind.None || !HasBody(context.Request))
        {
            await next(context);
            return;
        }
        if (kind == BodyKind.Unsupported)
        {
            await RefuseAsync(context, 415, "Unsupported content type.", "Steady takes request bodies as UTF-8 JSON (application/json), form posts (application/x-www-form-urlencoded) or YAML; not multipart or other character sets.", null);
            return;
        }
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted); // at most ErrorHandling.MaxBodyBytes: Kestrel answers 413 beyond
        var body = new ReadOnlyMemory<byte>(buffer.GetBuffer(), 0, (int)buffer.Length);
        var problem = kind == BodyKind.Json ? CheckJson(body.Span) : CheckForm(body.Span);
        if (problem is not null)
        {
            await RefuseAsync(context, 400, "The request body holds text that is not valid Unicode.", problem.Message, problem.Field);
            return;
        }
        context.Items[BodyKey] = body;
        context.Request.Body = new MemoryStream(buffer.GetBuffer(), 0, (int)buffer.Length, writable: false);
        await next(context);
    });

    /// <summary>The body this request's text was checked in, for endpoints that parse it themselves (intake): no second copy.</summary>
    public static ReadOnlyMemory<byte>? CheckedBody(HttpContext context) =>
        context.Items.TryGetValue(BodyKey, out var body) && body is ReadOnlyMemory<byte> bytes ? bytes : null;

    /// <summary>The first string or property name of <paramref name="json"/> that is not valid Unicode, or null. Text that is not JSON at all is left to the JSON parser to name.</summary>
    public static Problem? CheckJson(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 1000 });
        var frames = new List<Frame>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        if (Check(ref reader) is { } badName)
                        {
                            var parent = PathOf(frames, withCurrent: false);
                            return new Problem(parent, $"A property name in {parent} {badName}");
                        }
                        frames[^1].Name = reader.GetString();
                        continue;
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        frames.Add(new Frame(reader.TokenType == JsonTokenType.StartArray));
                        continue;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        frames.RemoveAt(frames.Count - 1);
                        break;
                    case JsonTokenType.String when Check(ref reader) is { } badValue:
                        var path = PathOf(frames, withCurrent: true);
                        return new Problem(path, $"{path} {badValue}");
                }
                if (frames.Count > 0 && frames[^1].IsArray)
                    frames[^1].Index++;
            }
        }
        catch (JsonException)
        {
            // Not JSON, or nested too deep: the endpoint's parser refuses it with its own words.
        }
        return null;
    }

    /// <summary>The first query parameter holding a NUL (%00). ASP.NET leaves invalid UTF-8 (%FF) as the text "%FF", which is harmless.</summary>
    public static Problem? CheckQuery(IQueryCollection query)
    {
        foreach (var (name, values) in query)
        {
            if (name.Contains('\0', StringComparison.Ordinal))
                return new Problem("", "A query parameter's name " + HoldsNul);
            if (values.Any(v => v is not null && v.Contains('\0', StringComparison.Ordinal)))
                return new Problem(name, $"The query parameter '{name}' {HoldsNul}");
        }
        return null;
    }

    /// <summary>The first field name or value of an application/x-www-form-urlencoded body that is not UTF-8 once percent-decoded, or null.</summary>
    public static Problem? CheckForm(ReadOnlySpan<byte> form)
    {
        var decoded = new byte[form.Length];
        foreach (var range in form.Split((byte)'&'))
        {
            var pair = form[range];
            var equals = pair.IndexOf((byte)'=');
            var name = decoded.AsSpan(0, Decode(equals < 0 ? pair : pair[..equals], decoded));
            if (!Utf8.IsValid(name))
                return new Problem("", "A form field's name is not valid UTF-8.");
            if (name.Contains((byte)0))
                return new Problem("", "A form field's name " + HoldsNul);
            var field = Encoding.UTF8.GetString(name);
            if (equals < 0)
                continue;
            var value = decoded.AsSpan(0, Decode(pair[(equals + 1)..], decoded));
            if (!Utf8.IsValid(value))
                return new Problem(field, $"The form field '{field}' is not valid UTF-8.");
            if (value.Contains((byte)0))
                return new Problem(field, $"The form field '{field}' {HoldsNul}");
        }
        return null;
    }

    /// <summary>Percent-decodes (and '+' as space) into <paramref name="into"/>, returning the length; a '%' not followed by two hex digits stays as it is, as ASP.NET reads it.</summary>
    private static int Decode(ReadOnlySpan<byte> text, byte[] into)
    {
        var length = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var b = text[i];
            if (b == '+')
            {
                b = (byte)' ';
            }
            else if (b == '%' && i + 2 < text.Length && IsHex(text[i + 1]) && IsHex(text[i + 2]))
            {
                b = (byte)((Hex(text[i + 1]) << 4) | Hex(text[i + 2]));
                i += 2;
            }
            into[length++] = b;
        }
        return length;
    }

    private static bool IsHex(byte b) => b is >= (byte)'0' and <= (byte)'9' or >= (byte)'a' and <= (byte)'f' or >= (byte)'A' and <= (byte)'F';

    private static int Hex(byte b) => b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10;

    /// <summary>What is wrong with the current string token, or null. Unescaped strings are checked in place; escaped ones are decoded, which refuses unpaired surrogates.</summary>
    private static string? Check(ref Utf8JsonReader reader)
    {
        if (!Utf8.IsValid(reader.ValueSpan))
            return "is not valid UTF-8.";
        if (!reader.ValueIsEscaped)
            return null;
        try
        {
            return reader.GetString()!.Contains('\0', StringComparison.Ordinal) ? HoldsNul : null;
        }
        catch (InvalidOperationException)
        {
            return "holds an unpaired surrogate (a \\uD800-\\uDFFF escape without its pair), which is not valid Unicode.";
        }
    }

    private static string PathOf(List<Frame> frames, bool withCurrent)
    {
        var path = new StringBuilder("$");
        for (var i = 0; i < frames.Count; i++)
        {
            if (!withCurrent && i == frames.Count - 1)
                break;
            var frame = frames[i];
            if (frame.IsArray)
                path.Append('[').Append(frame.Index).Append(']');
            else if (frame.Name is { } name)
                path.Append(name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-') ? "." + name : $"['{name}']");
        }
        return path.ToString();
    }

    private static bool HasBody(HttpRequest request) => request.ContentLength is > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);

    private enum BodyKind
    {
        None,
        Json,
        Form,
        Unsupported,
    }

    private static BodyKind KindOf(HttpRequest request)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type))
            return BodyKind.None;
        if (type.Charset.HasValue && !type.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) && !type.Charset.Equals("utf8", StringComparison.OrdinalIgnoreCase))
            return BodyKind.Unsupported;
        if (type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || type.MediaType.Equals("text/json", StringComparison.OrdinalIgnoreCase)
            || type.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase))
            return BodyKind.Json;
        if (type.MediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
            return BodyKind.Form;
        if (type.Type.Equals("multipart", StringComparison.OrdinalIgnoreCase))
            return BodyKind.Unsupported;
        return BodyKind.None;
    }

    private static async Task RefuseAsync(HttpContext context, int status, string title, string detail, string? field)
    {
        context.Response.StatusCode = status;
        var errors = field is null ? null : new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [field] = [detail] } };
        await TypedResults.Problem(detail, statusCode: status, title: title, extensions: errors).ExecuteAsync(context);
    }

    private sealed class ReadsJsonBody;

    /// <summary>An object or array being read: for an object, the property whose value comes next; for an array, the index of the next item.</summary>
    private sealed class Frame(bool isArray)
    {
        public bool IsArray { get; } = isArray;

        public int Index { get; set; }

        public string? Name { get; set; }
    }
}
