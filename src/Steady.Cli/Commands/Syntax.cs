using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Steady.Cli.Commands;

/// <summary>An Alertmanager-style label matcher as the API takes it: name = value, name != value, name =~ regex, name !~ regex.</summary>
public sealed record MatcherSpec(string Name, string Value, bool IsRegex, bool IsEqual)
{
    public string Operator => IsRegex ? IsEqual ? "=~" : "!~" : IsEqual ? "=" : "!=";

    /// <summary>As the server matches: a missing label is "", and a regex must match the whole value.</summary>
    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        var value = labels.GetValueOrDefault(Name) ?? "";
        bool hit;
        try
        {
            hit = IsRegex
                ? Regex.IsMatch(value, "^(?:" + Value + ")$", RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(50))
                : string.Equals(value, Value, StringComparison.Ordinal);
        }
        catch (RegexMatchTimeoutException)
        {
            hit = false;
        }
        return hit == IsEqual;
    }

    /// <summary>As Alertmanager prints it: alertname="DiskFull", env=~"prod|staging".</summary>
    public override string ToString() => $"{Name}{Operator}\"{Value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"";
}

/// <summary>
/// The small languages people type on the command line: durations (30s, 15m, 2h, 1d, 1h30m),
/// labels (name=value), matchers (Alertmanager's =, !=, =~, !~) and times (a duration ago, or ISO 8601).
/// Each parse is pure and says in one sentence what is wrong, so the command line can refuse it
/// before anything is sent.
/// </summary>
public static partial class Syntax
{
    /// <summary>Longer than any silence (90 days) or maintenance window (30 days) the server takes.</summary>
    private static readonly TimeSpan LongestDuration = TimeSpan.FromDays(366);

    public static bool TryDuration(string text, out TimeSpan duration, out string error)
    {
        duration = TimeSpan.Zero;
        error = $"'{text}' is not a duration; use e.g. 30s, 15m, 2h, 1d or 1h30m.";
        var trimmed = text.Trim().ToLowerInvariant();
        if (!DurationPattern().IsMatch(trimmed))
            return false;
        foreach (Match part in DurationPart().Matches(trimmed))
        {
            if (!long.TryParse(part.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var amount) || amount > 100_000_000)
            {
                error = $"'{text}' is too long a duration.";
                return false;
            }
            duration += part.Groups[2].Value switch
            {
                "s" => TimeSpan.FromSeconds(amount),
                "m" => TimeSpan.FromMinutes(amount),
                "h" => TimeSpan.FromHours(amount),
                _ => TimeSpan.FromDays(amount),
            };
            if (duration > LongestDuration)
            {
                error = $"'{text}' is too long a duration (at most {LongestDuration.TotalDays:0}d).";
                return false;
            }
        }
        if (duration <= TimeSpan.Zero)
        {
            error = $"'{text}' is not a duration: it must be more than zero.";
            return false;
        }
        error = "";
        return true;
    }

    /// <summary>"name=value" (the value may be empty or hold '='); the name may not be empty.</summary>
    public static bool TryLabel(string text, out KeyValuePair<string, string> label, out string error)
    {
        label = default;
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0 || string.IsNullOrWhiteSpace(text[..equals]))
        {
            error = $"'{text}' is not a label; use name=value, e.g. env=prod.";
            return false;
        }
        label = new(text[..equals].Trim(), text[(equals + 1)..]);
        error = "";
        return true;
    }

    /// <summary>
    /// Alertmanager's matcher syntax: alertname=DiskFull, env!=dev, env=~"prod|staging", job!~"batch-.*".
    /// The value may be in double quotes (with \" and \\ inside); a regex must compile.
    /// </summary>
    public static bool TryMatcher(string text, out MatcherSpec matcher, out string error)
    {
        matcher = new MatcherSpec("", "", false, true);
        var usage = $"'{text}' is not a matcher; use name=value, name!=value, name=~regex or name!~regex, e.g. alertname=DiskFull.";
        var at = -1;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '=' || (text[i] == '!' && i + 1 < text.Length && text[i + 1] is '=' or '~'))
            {
                at = i;
                break;
            }
        }
        if (at < 0)
        {
            error = usage;
            return false;
        }
        var name = text[..at].Trim();
        var op = text[at] == '!' ? text.Substring(at, 2) : at + 1 < text.Length && text[at + 1] == '~' ? "=~" : "=";
        var rest = text[(at + op.Length)..].Trim();
        if (name.Length == 0 || name.Any(char.IsWhiteSpace))
        {
            error = usage;
            return false;
        }
        if (!TryUnquote(rest, out var value))
        {
            error = $"'{text}' has a value with an unfinished quote.";
            return false;
        }
        var isRegex = op is "=~" or "!~";
        if (isRegex)
        {
            try
            {
                _ = new Regex(value, RegexOptions.None, TimeSpan.FromMilliseconds(50));
            }
            catch (ArgumentException e)
            {
                error = $"'{text}': {Api.ProblemMessage.OneLine(e.Message)?.TrimEnd('.')}.";
                return false;
            }
        }
        matcher = new MatcherSpec(name, value, isRegex, op is "=" or "=~");
        error = "";
        return true;
    }

    /// <summary>A moment in the past: a duration before now ("1h") or an ISO 8601 time (local unless it says its offset).</summary>
    public static bool TryPast(string text, DateTimeOffset now, out DateTimeOffset at, out string error)
    {
        at = default;
        if (TryDuration(text, out var ago, out _))
        {
            at = now - ago;
            error = "";
            return true;
        }
        if (DateTimeOffset.TryParse(text.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal, out at))
        {
            error = "";
            return true;
        }
        error = $"'{text}' is neither a duration (e.g. 30m, 2h, 1d) nor a time (e.g. 2025-06-01T03:00 or 2025-06-01T03:00Z).";
        return false;
    }

    /// <summary>An option whose word is checked by <paramref name="parse"/> while the command line is read: a wrong one is a usage error.</summary>
    public static Option<T> Checked<T>(Option<T> option, TryParse<T> parse)
    {
        option.CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
            if (parse(text, out var value, out var error))
                return value;
            result.AddError($"{option.Name}: {error}");
            return default!;
        };
        return option;
    }

    /// <summary>A repeatable option (--label a=b --label c=d), each word checked by <paramref name="parse"/>.</summary>
    public static Option<T[]> CheckedEach<T>(Option<T[]> option, TryParse<T> parse)
    {
        option.CustomParser = result =>
        {
            var values = new List<T>(result.Tokens.Count);
            foreach (var token in result.Tokens)
            {
                if (!parse(token.Value, out var value, out var error))
                {
                    result.AddError($"{option.Name}: {error}");
                    return [];
                }
                values.Add(value);
            }
            return [.. values];
        };
        return option;
    }

    /// <summary>An option that takes one of a few words (any case), read back in lower case.</summary>
    public static Option<string> OneOf(Option<string> option, string what, params string[] words)
    {
        option.CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value.Trim().ToLowerInvariant() : "";
            if (words.Contains(text, StringComparer.Ordinal))
                return text;
            result.AddError($"{option.Name}: '{(result.Tokens.Count > 0 ? result.Tokens[^1].Value : "")}' is not {what}; use {string.Join(", ", words[..^1])} or {words[^1]}.");
            return "";
        };
        return option;
    }

    public delegate bool TryParse<T>(string text, out T value, out string error);

    private static bool TryUnquote(string text, out string value)
    {
        value = text;
        if (!text.StartsWith('"'))
            return true;
        if (text.Length < 2 || !text.EndsWith('"'))
            return false;
        var builder = new StringBuilder(text.Length);
        for (var i = 1; i < text.Length - 1; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length - 1)
                i++;
            else if (text[i] == '"')
                return false;
            builder.Append(text[i]);
        }
        value = builder.ToString();
        return true;
    }

    [GeneratedRegex(@"^(\d+[smhd])+$")]
    private static partial Regex DurationPattern();

    [GeneratedRegex(@"(\d+)([smhd])")]
    private static partial Regex DurationPart();
}
