using System.Text;

namespace Steady.Server.Tests.Corpus;

/// <summary>YAML files that would exhaust a naive reader (nesting, aliases, size) or hold invalid text or shapes, for POST /api/v1/config/apply.</summary>
internal static class YamlCorpus
{
    public static IEnumerable<CorpusCase> Cases(string path)
    {
        CorpusCase Yaml(string what, byte[] body, Expect expect, string? names = null, bool dryRun = true) =>
            new($"YAML: {what}", "POST", path + (dryRun ? "?dryRun=true" : ""), body, "application/yaml", expect, names);
        CorpusCase Text(string what, string body, Expect expect, string? names = null, bool dryRun = true) => Yaml(what, Encoding.UTF8.GetBytes(body), expect, names, dryRun);

        yield return Text("50,000 nested flow lists", new string('[', 50_000) + new string(']', 50_000), Expect.Refused, "deeper than");
        yield return Text("200,000 unclosed flow mappings", new string('{', 200_000), Expect.Refused);
        yield return Text("1,000 nested block lists on one line", string.Concat(Enumerable.Repeat("- ", 1000)) + "x", Expect.Refused, "deeper than");
        yield return Text("400 nested block mappings", string.Concat(Enumerable.Range(0, 400).Select(i => new string(' ', i) + "a:\n")) + new string(' ', 400) + "b: 1", Expect.Refused, "deeper than");
        var bomb = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
        for (var i = 1; i < 9; i++)
            bomb.Append($"a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 9))}]\n");
        yield return Text("a billion laughs", bomb.ToString(), Expect.Refused, "counting aliases");
        yield return Text("an alias nested deep by aliases", string.Concat(Enumerable.Range(0, 40).Select(i => i == 0 ? "l0: &l0 [[[[[[[[[[x]]]]]]]]]]\n" : $"l{i}: &l{i} [[[[[[[[[[*l{i - 1}]]]]]]]]]]\n")), Expect.Refused, "deeper than");
        yield return Text("an alias to nothing", "kind: team\nname: *nothing\n", Expect.Refused);
        yield return Text("an alias to itself", "kind: team\nmembers: &m [*m]\n", Expect.Refused);
        yield return Text("100,001 values", "kind: team\nname: big\nmembers: [" + string.Join(",", Enumerable.Repeat("1", 100_001)) + "]\n", Expect.Refused, "100000 values");
        yield return Yaml("invalid UTF-8", [.. "kind: team\nname: caf"u8, 0xC3, 0x28, .. "\n"u8], Expect.Refused, "not valid UTF-8");
        yield return Yaml("a stray continuation byte", [.. "kind: team\nname: "u8, 0x80, .. "\n"u8], Expect.Refused, "not valid UTF-8");
        yield return Text("an unpaired surrogate", "kind: team\nname: \"a\\ud800b\"\n", Expect.Refused);
        yield return Text("a NUL character", "kind: team\nname: a\u0000b\n", Expect.Refused);
        yield return Text("an escaped NUL character", "kind: team\nname: \"a\\0b\"\n", Expect.Refused, "NUL", dryRun: false);
        yield return Text("a field given twice", "kind: team\nname: a\nname: b\n", Expect.Refused, "given twice");
        yield return Text("an unknown kind", "kind: spaceship\nname: a\n", Expect.Refused);
        yield return Text("an unknown field", "kind: team\nname: a\ncolour: red\n", Expect.Refused, "colour");
        yield return Text("a mapping as a field name", "kind: team\n? {a: b}\n: c\n", Expect.Refused);
        yield return Text("tabs for indentation", "kind: team\nmembers:\n\t- user: a\n", Expect.Refused);
        yield return Text("a team's members holding null", "kind: team\nname: corpus-null\nmembers: [null]\n", Expect.Refused, "must not hold null", dryRun: false);
        yield return Text("a schedule's layers holding null", "kind: schedule\nname: corpus-null\nteam: Team A\ntime_zone: UTC\nlayers: [null]\n", Expect.Refused, "must not hold null", dryRun: false);
        yield return Text("a schedule's restrictions holding null", "kind: schedule\nname: corpus-null\nteam: Team A\ntime_zone: UTC\nlayers:\n  - name: l\n    participants: []\n    first_handoff: 2026-01-05T09:00\n    restrictions: [null]\n", Expect.Refused, "must not hold null", dryRun: false);
        yield return Text("a policy's steps holding null", "name: corpus-null\nteam: Team A\nescalation_chain: [null]\n", Expect.Refused, "must not hold null", dryRun: false);
        yield return Text("a user's contact methods holding null", "kind: user\nname: Null\nemail: null@example.com\ncontact_methods: [null]\n", Expect.Refused, "must not hold null", dryRun: false);
        yield return Text("a scalar of 900,000 characters", "kind: team\nname: " + new string('x', 900_000) + "\n", Expect.Refused);
        yield return Text("a schedule handing off in year 9999", "kind: schedule\nname: corpus-far\nteam: Team A\ntime_zone: UTC\nlayers:\n  - name: l\n    participants: []\n    first_handoff: 9999-12-31T23:00\n", Expect.Answer, dryRun: false);
        yield return Text("a number too big for anything", "kind: team\nname: corpus-number\ndescription: 99999999999999999999999999999\n", Expect.Answer);
        yield return Text("a binary tag", "kind: team\nname: !!binary aGVsbG8=\n", Expect.Answer);
        yield return Text("nothing", "", Expect.Refused);
        yield return Text("10,000 empty documents", string.Concat(Enumerable.Repeat("---\n", 10_000)), Expect.Refused);
        yield return Text("a byte order mark", "\uFEFFkind: team\nname: corpus-bom\n", Expect.Answer);
    }
}
