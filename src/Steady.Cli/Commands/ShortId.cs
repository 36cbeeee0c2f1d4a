using System.CommandLine;

namespace Steady.Cli.Commands;

/// <summary>
/// Short ids for tables. Steady's ids are UUIDv7: they begin with the time they were made, so
/// their first characters are shared by everything made in the same minute and say nothing. Their
/// end is random (or, for ids made in one millisecond, counts up), so a table shows the last 8 hex
/// digits, more where two rows would otherwise look alike. Wherever an id is typed, the full id is
/// taken, or any run of at least 6 of its hex digits that only one candidate has: the short id as
/// shown, or its first few characters, as people shorten what they copy.
/// </summary>
public static class ShortId
{
    public const int Length = 8;

    /// <summary>The fewest characters a typed part may have: fewer would match too much to mean anything.</summary>
    public const int MinimumTyped = 6;

    public static string Of(Guid id) => id.ToString("N")[^Length..];

    /// <summary>For each id, the shortest ending (at least 8 hex digits) that no other id of the set shares.</summary>
    public static Dictionary<Guid, string> For(IEnumerable<Guid> ids)
    {
        // Reversed, the endings become prefixes, and sorting puts the ids that share the longest one side by side.
        var reversed = ids.Distinct().Select(id => (Id: id, Key: new string(id.ToString("N").Reverse().ToArray()))).OrderBy(x => x.Key, StringComparer.Ordinal).ToList();
        var result = new Dictionary<Guid, string>(reversed.Count);
        for (var i = 0; i < reversed.Count; i++)
        {
            var shared = Math.Max(i > 0 ? Common(reversed[i].Key, reversed[i - 1].Key) : 0, i + 1 < reversed.Count ? Common(reversed[i].Key, reversed[i + 1].Key) : 0);
            var length = Math.Clamp(shared + 1, Length, 32);
            result[reversed[i].Id] = reversed[i].Id.ToString("N")[^length..];
        }
        return result;
    }

    /// <summary>
    /// What a person typed: a full id (with or without dashes, any case), or part of one (lower
    /// case, without dashes). An error when it can be neither.
    /// </summary>
    public static (Guid? Full, string? Part, string? Error) Parse(string typed)
    {
        var text = typed.Trim();
        if (Guid.TryParse(text, out var full))
            return (full, null, null);
        var hex = text.Replace("-", "", StringComparison.Ordinal).ToLowerInvariant();
        if (hex.Length == 0 || !hex.All(char.IsAsciiHexDigit))
            return (null, null, $"'{typed}' is not an id: give the full id or the short one a table shows.");
        if (hex.Length < MinimumTyped)
            return (null, null, $"'{typed}' is too short to be an id: give at least {MinimumTyped} of its characters, or the full id.");
        if (hex.Length > 32)
            return (null, null, $"'{typed}' is longer than an id.");
        return (null, hex, null);
    }

    public static bool Has(Guid id, string part) => id.ToString("N").Contains(part, StringComparison.Ordinal);

    /// <summary>An argument for an id: each is checked while the command line is read, so a mistyped one is a usage error.</summary>
    public static Argument<string> Argument(string name, string description)
    {
        var argument = new Argument<string>(name) { Description = description };
        argument.Validators.Add(result =>
        {
            if (Parse(result.GetValueOrDefault<string>() ?? "").Error is { } error)
                result.AddError(error);
        });
        return argument;
    }

    /// <inheritdoc cref="Argument(string, string)"/>
    public static Argument<string[]> Arguments(string name, string description)
    {
        var argument = new Argument<string[]>(name) { Description = description, Arity = ArgumentArity.OneOrMore };
        argument.Validators.Add(result =>
        {
            foreach (var typed in result.GetValueOrDefault<string[]>() ?? [])
            {
                if (Parse(typed).Error is { } error)
                {
                    result.AddError(error);
                    return;
                }
            }
        });
        return argument;
    }

    /// <summary>The one id of <paramref name="ids"/> that has what was typed, or a one-line reason.</summary>
    public static Guid Pick(IEnumerable<Guid> ids, string part, string what, string listCommand)
    {
        var matches = ids.Where(i => Has(i, part)).ToList();
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new CliException($"no {what} has an id with '{part}' in it; see '{listCommand}'"),
            _ => throw new CliException(Ambiguous(matches, what, part)),
        };
    }

    /// <summary>"3 alerts have ids with 'ae5c01' in them (ae5c0105, ae5c0103, ae5c0101); give more of the id, or all of it".</summary>
    public static string Ambiguous(IReadOnlyList<Guid> matches, string what, string part)
    {
        const int Named = 5;
        var shorts = For(matches);
        var named = string.Join(", ", matches.Take(Named).Select(m => shorts[m])) + (matches.Count > Named ? ", …" : "");
        return $"{matches.Count} {what}s have ids with '{part}' in them ({named}); give more of the id, or all of it";
    }

    private static int Common(string a, string b)
    {
        var n = 0;
        while (n < a.Length && n < b.Length && a[n] == b[n])
            n++;
        return n;
    }
}
