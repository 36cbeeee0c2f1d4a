using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Steady.Server.Tests.Corpus;

/// <summary>
/// The console's share of the corpus: each page the authorization matrix lists, read by a signed-in
/// browser, with bad route values and an unknown handler; and every form it shows, posted with each field
/// in turn invalid UTF-8, 100,000 characters, control characters, empty or missing, and without its
/// antiforgery token.
/// </summary>
internal static partial class ConsoleCorpus
{
    private static readonly string[] BadRouteValues = ["00000000-0000-0000-0000-000000000000", "not-a-thing", new string('x', 3000), "%FF", "-1", "99999999999999999999"];

    public static IEnumerable<CorpusCase> PageCases(string route, string path)
    {
        foreach (Match parameter in Parameter().Matches(route))
        {
            foreach (var bad in BadRouteValues)
            {
                var segments = route.Split('/');
                var actual = path.Split('?')[0].TrimStart('/').Split('/');
                var at = Array.IndexOf(segments, parameter.Value);
                if (at < 0 || at >= actual.Length)
                    continue;
                actual[at] = bad;
                yield return new CorpusCase($"console route {parameter.Value} = {(bad.Length > 20 ? bad.Length + " characters" : bad)}", "GET", "/" + string.Join('/', actual), null, null);
            }
        }
        yield return new CorpusCase("console GET with an unknown handler", "GET", WithHandler(path, "nope"), null, null, Expect.Refused);
    }

    /// <summary>The forms of a page as it was served: each one valid, then broken field by field.</summary>
    public static IEnumerable<CorpusCase> FormCases(string page, string html)
    {
        var forms = Forms(page, html).ToList();
        if (forms.FirstOrDefault(f => f.Fields.Any(x => x.Name == "__RequestVerificationToken")) is { } any)
        {
            var token = any.Fields.First(x => x.Name == "__RequestVerificationToken");
            yield return Post("console POST with an unknown handler", WithHandler(page, "nope"), [token], Expect.Refused);
        }
        foreach (var form in forms.Where(f => !f.Action.StartsWith("/logout", StringComparison.Ordinal)))
        {
            var label = $"form {form.Action}";
            yield return Post($"{label}: as served", form.Action, form.Fields, Expect.Answer);
            if (form.Fields.Any(f => f.Name == "__RequestVerificationToken"))
                yield return Post($"{label}: without its antiforgery token", form.Action, form.Fields.Where(f => f.Name != "__RequestVerificationToken").ToList(), Expect.Refused);
            else if (!form.Action.StartsWith("/status/subscriptions/", StringComparison.Ordinal))
                yield return Post($"{label}: served without an antiforgery token (only a subscriber's signed link may be)", form.Action, form.Fields, Expect.Refused);
            var turn = 0;
            foreach (var field in form.Fields.Where(f => f.Name != "__RequestVerificationToken"))
            {
                List<(string Name, string Value)> With(string value) => form.Fields.Select(f => f.Name == field.Name ? (f.Name, value) : f).ToList();
                yield return Post($"{label}: {field.Name} invalid UTF-8", form.Action, With("caf%C3%28"), Expect.Refused, $"'{field.Name}'", raw: field.Name);
                yield return Post($"{label}: {field.Name} with a NUL", form.Action, With("a\u0000b"), Expect.Refused, $"'{field.Name}'");
                if (form.Types.GetValueOrDefault(field.Name) is "number")
                {
                    yield return Post($"{label}: {field.Name} the largest int", form.Action, With("2147483647"), Expect.Answer);
                    yield return Post($"{label}: {field.Name} too big for an int", form.Action, With("99999999999999999999"), Expect.Refused);
                }
                if (form.Types.GetValueOrDefault(field.Name) is "datetime-local" or "date")
                {
                    yield return Post($"{label}: {field.Name} in year 9999", form.Action, With("9999-12-31T23:59"), Expect.Answer);
                    yield return Post($"{label}: {field.Name} in year 1", form.Action, With("0001-01-01T00:00"), Expect.Answer);
                }
                // The cases that reach the handler (and render the page again) take turns field by field.
                yield return (turn++ % 4) switch
                {
                    0 => Post($"{label}: {field.Name} of 100,000 characters", form.Action, With(new string('x', 100_000)), Expect.Answer),
                    1 => Post($"{label}: {field.Name} with control characters", form.Action, With("a\u0007b\u001bc"), Expect.Answer),
                    2 => Post($"{label}: {field.Name} empty", form.Action, With(""), Expect.Answer),
                    _ => Post($"{label}: {field.Name} missing", form.Action, form.Fields.Where(f => f.Name != field.Name).ToList(), Expect.Answer),
                };
            }
        }
    }

    private static CorpusCase Post(string what, string action, IReadOnlyList<(string Name, string Value)> fields, Expect expect, string? names = null, string? raw = null)
    {
        // Values are form-encoded, except the one field sent as raw bytes (already percent-encoded, as a crafted request would).
        var body = string.Join("&", fields.Select(f => Uri.EscapeDataString(f.Name) + "=" + (f.Name == raw ? f.Value : Uri.EscapeDataString(f.Value))));
        return new CorpusCase(what, "POST", action, Encoding.ASCII.GetBytes(body), "application/x-www-form-urlencoded", expect, names);
    }

    private static string WithHandler(string path, string handler) =>
        (path.Contains('?') ? path + "&" : path + "?") + "handler=" + handler;

    /// <summary>A form as served: where it posts, its fields with their values, and the input type of each field that has one.</summary>
    private sealed record Form(string Action, List<(string Name, string Value)> Fields, Dictionary<string, string> Types);

    private static IEnumerable<Form> Forms(string page, string html)
    {
        foreach (Match form in FormElement().Matches(html))
        {
            var attributes = form.Groups[1].Value;
            if (!Attribute(attributes, "method").Equals("post", StringComparison.OrdinalIgnoreCase))
                continue;
            var action = Attribute(attributes, "action");
            var fields = new List<(string, string)>();
            var types = new Dictionary<string, string>(StringComparer.Ordinal);
            var inner = form.Groups[2].Value;
            foreach (Match input in InputElement().Matches(inner))
            {
                var name = Attribute(input.Groups[1].Value, "name");
                var type = Attribute(input.Groups[1].Value, "type");
                if (name.Length == 0 || type is "submit" or "button")
                    continue;
                if (type is "checkbox" or "radio" && !input.Groups[1].Value.Contains("checked", StringComparison.Ordinal) && fields.Any(f => f.Item1 == name))
                    continue;
                fields.Add((name, Attribute(input.Groups[1].Value, "value") is { Length: > 0 } value ? value : type == "checkbox" ? "true" : ""));
                types.TryAdd(name, type);
            }
            foreach (Match select in SelectElement().Matches(inner))
                fields.Add((Attribute(select.Groups[1].Value, "name"), OptionValue().Match(select.Groups[2].Value) is { Success: true } option ? WebUtility.HtmlDecode(option.Groups[1].Value) : ""));
            foreach (Match area in TextAreaElement().Matches(inner))
                fields.Add((Attribute(area.Groups[1].Value, "name"), WebUtility.HtmlDecode(area.Groups[2].Value)));
            yield return new Form(action.Length > 0 ? action : page, fields.Where(f => f.Item1.Length > 0).DistinctBy(f => f.Item1).ToList(), types);
        }
    }

    private static string Attribute(string attributes, string name)
    {
        var match = Regex.Match(attributes, $@"\b{name}=""([^""]*)""", RegexOptions.IgnoreCase);
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value) : "";
    }

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex Parameter();

    [GeneratedRegex(@"<form\b([^>]*)>(.*?)</form>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex FormElement();

    [GeneratedRegex(@"<input\b([^>]*)>", RegexOptions.IgnoreCase)]
    private static partial Regex InputElement();

    [GeneratedRegex(@"<select\b([^>]*)>(.*?)</select>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex SelectElement();

    [GeneratedRegex(@"<option\b[^>]*\bvalue=""([^""]*)""", RegexOptions.IgnoreCase)]
    private static partial Regex OptionValue();

    [GeneratedRegex(@"<textarea\b([^>]*)>(.*?)</textarea>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex TextAreaElement();
}
