using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Steady.Server.Tests.Corpus;

/// <summary>
/// The corpus of one operation of the OpenAPI document, starting from the valid request the authorization
/// matrix makes for it (<see cref="AuthorizationMatrixTests.Matrix"/>: a real target and a valid body): bad
/// path values, bad query values, and every mutation of its body and content type.
/// </summary>
internal static partial class ApiCorpus
{
    private static readonly string[] BadPathValues =
        ["00000000-0000-0000-0000-000000000000", "not-a-thing", new string('x', 3000), "%FF%FE", "%ED%A0%80", "%00", "-1", "99999999999999999999", "%20"]; // not %2e%2e: ".." is URL syntax, the path it names is another (valid) one

    /// <summary>Intake reads fields it knows and ignores the rest; these are fields it reads, whose limits must hold.</summary>
    private static readonly Dictionary<string, string[]> IntakeFieldsRead = new(StringComparer.Ordinal)
    {
        ["/intake/{key}/alertmanager"] = ["$.alerts[0].annotations.summary", "$.alerts[0].labels.alertname", "$.alerts[0].fingerprint", "$.alerts[0].generatorURL", "$.externalURL"],
        ["/intake/{key}/grafana"] = ["$.ruleName"],
        ["/intake/{key}/generic"] = ["$.summary"],
        ["/intake/{key}/events"] = ["$.payload.summary", "$.payload.source"],
        ["/v2/enqueue"] = ["$.payload.summary", "$.payload.source", "$.routing_key"],
    };

    public static IEnumerable<CorpusCase> Cases(Operation operation, string path, object? body)
    {
        var (route, query) = Split(path);
        var values = PathValues(operation.Route, route);
        var validBody = body is null ? null : Encoding.UTF8.GetBytes(JsonSerializer.Serialize(body, JsonSerializerOptions.Web));
        var intake = IntakeFieldsRead.ContainsKey(operation.Route);
        var config = operation.Route == "/api/v1/config/apply";

        var paths = operation.Parameters.Where(p => p.In == "path").ToList();
        for (var p = 0; p < paths.Count; p++)
        {
            var parameter = paths[p];
            // Every parameter gets a missing target and an absurd length; the other bad values take turns (the same router and lookups read them all).
            foreach (var bad in BadPathValues.Take(3).Concat(BadPathValues.Skip(3 + (Sample(operation, p) % 3) * 2).Take(2)))
            {
                var badRoute = Fill(operation.Route, new Dictionary<string, string>(values) { [parameter.Name] = bad });
                yield return new CorpusCase($"path {{{parameter.Name}}} = {Short(bad)}", operation.Method, badRoute + query, validBody, Expect: Expect.Refused);
            }
        }
        if (operation.Method == "DELETE")
            yield break; // its valid request deletes the target: the bad paths above are its corpus

        foreach (var parameter in operation.Parameters.Where(p => p.In == "query"))
        {
            foreach (var (what, value, expect) in BadQueryValues(parameter.Name, parameter.Schema))
                yield return new CorpusCase($"?{parameter.Name} = {what}", operation.Method, route + WithQuery(query, parameter.Name, value), validBody, Expect: expect);
            yield return new CorpusCase($"?{parameter.Name} twice", operation.Method, route + WithQuery(query, parameter.Name, "1") + "&" + parameter.Name + "=2", validBody);
        }

        if (operation.BodyTypes.Count == 0 && !intake)
            yield break;
        var rules = intake ? new BodyRules(false, false, (field, _) => IntakeFieldsRead[operation.Route].Contains(field))
            : config ? new BodyRules(false, true, (_, _) => false)
            : BodyRules.Api;
        var typed = rules.Typed && operation.Body is { Kind: not "any" };
        var node = validBody is null ? null : JsonNode.Parse(validBody);
        // The body-wide cases that cost most (a nesting of 400,000, a body of 1.5 MiB) go to every reader but only some of the
        // operations that share the API's: one parser and one limit serve them all.
        var heavy = intake || config || operation.Body is { Kind: "any" } || Sample(operation, 0) % 4 == 0;
        foreach (var mutated in new BodyMutations(rules, heavy).For(node, intake || config ? null : operation.Body))
            yield return new CorpusCase(mutated.What, operation.Method, path, mutated.Bytes, Expect: mutated.Expect, Names: mutated.Names);
        string[] types = ["text/plain", "application/xml", "multipart/form-data; boundary=corpus", "application/x-www-form-urlencoded", "application/json; charset=utf-16"];
        foreach (var type in types.Where((_, i) => i == 0 || i == 1 + Sample(operation, 1) % 4))
            yield return new CorpusCase($"the valid body as {type}", operation.Method, path, validBody ?? "{}"u8.ToArray(), type, typed ? Expect.Refused : Expect.Answer);
        yield return new CorpusCase("the valid body without a content type", operation.Method, path, validBody ?? "{}"u8.ToArray(), null, typed ? Expect.Refused : Expect.Answer);
        if (config)
        {
            foreach (var yaml in YamlCorpus.Cases(path))
                yield return yaml;
        }
    }

    private static IEnumerable<(string What, string Value, Expect Expect)> BadQueryValues(string name, Schema schema)
    {
        switch (schema.Kind, schema.Format)
        {
            case ("integer" or "number", _):
                return [("a word", "abc", Expect.Answer), ("-1", "-1", Expect.Answer), ("2^64", "18446744073709551616", Expect.Answer), ("1.5", "1.5", Expect.Answer), ("empty", "", Expect.Answer)];
            case (_, "date-time"):
                return [("year 9999", "9999-12-31T23:59:59Z", Expect.Refused), ("year 1", "0001-01-01T00:00:00Z", Expect.Refused), ("not a date", "yesterday", Expect.Answer)];
            case (_, "uuid"):
                return [("not a uuid", "not-a-uuid", Expect.Answer), ("%00", "%00", Expect.Refused)];
            case ("boolean", _):
                return [("a word", "maybe", Expect.Answer)];
            case ("array", _):
                return [("200 times", string.Join("&" + name + "=", Enumerable.Repeat("x%3Dy", 200)), Expect.Answer), ("invalid UTF-8", "%FF", Expect.Answer)];
            default:
                return [("5,000 characters", new string('x', 5000), Expect.Answer), ("invalid UTF-8", "%FF%FE", Expect.Answer), ("an encoded surrogate", "%ED%A0%80", Expect.Answer), ("%00", "%00", Expect.Refused)];
        }
    }

    /// <summary>The values of a route's parameters in an actual path: /api/v1/teams/{team} and /api/v1/teams/0195… give team = 0195….</summary>
    private static Dictionary<string, string> PathValues(string route, string path)
    {
        var pattern = "^" + Parameter().Replace(Regex.Escape(route).Replace("\\{", "{", StringComparison.Ordinal), m => $"(?<{m.Groups[1].Value}>[^/]+?)") + "/?$";
        var match = Regex.Match(path, pattern);
        if (!match.Success)
            throw new InvalidOperationException($"The matrix's path {path} does not fit the route {route}.");
        return Parameter().Matches(route).ToDictionary(m => m.Groups[1].Value, m => match.Groups[m.Groups[1].Value].Value, StringComparer.Ordinal);
    }

    private static string Fill(string route, Dictionary<string, string> values) => Parameter().Replace(route, m => values[m.Groups[1].Value]);

    private static (string Route, string Query) Split(string path) => path.IndexOf('?') is var q and >= 0 ? (path[..q], path[q..]) : (path, "");

    private static string WithQuery(string query, string name, string value)
    {
        var kept = query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries).Where(p => !p.StartsWith(name + "=", StringComparison.Ordinal));
        return "?" + string.Join("&", kept.Append(name + "=" + value));
    }

    /// <summary>A number fixed by the operation (and a salt), to take turns among cases the same way in every run.</summary>
    private static int Sample(Operation operation, int salt)
    {
        var hash = 17;
        foreach (var c in operation.Method + operation.Route)
            hash = unchecked(hash * 31 + c);
        return Math.Abs(unchecked(hash + salt * 7919)) % 1000;
    }

    private static string Short(string value) => value.Length > 20 ? $"{value.Length} characters" : value;

    [GeneratedRegex(@"\{([A-Za-z]+)\}")]
    private static partial Regex Parameter();
}
