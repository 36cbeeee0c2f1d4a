using System.Text.RegularExpressions;

namespace Steady.Core.Postmortems;

/// <summary>Wording that blames a person: where it is, why it reads as blame, and a system-focused way to say it.</summary>
public sealed record BlameFinding(int Start, int Length, string Words, string Why, string Suggestion);

/// <summary>
/// Points at wording that blames people ("forgot", "human error", "should have", "careless", a person's
/// name as the subject of a cause) and suggests system-focused wording. It advises; it never blocks.
/// </summary>
public static partial class BlamelessCheck
{
    private sealed record Rule(Regex Pattern, string Why, string Suggestion);

    private static readonly Rule[] Rules =
    [
        new(Forgot(), "'Forgot' puts the cause in a person's memory.",
            "Say what in the system depended on remembering, e.g. 'renewal was a manual step with no reminder or expiry alert'."),
        new(HumanError(), "'Human error' ends the inquiry where it should start.",
            "Describe the conditions that made the mistake easy: the tool, the interface, the missing check."),
        new(ShouldHave(), "'Should have' judges with hindsight.",
            "Say what would have helped, as a change to make: 'an alert on X would have shown Y'."),
        new(Careless(), "'Careless' judges a person rather than the work.",
            "Say what the process or tooling allowed, e.g. 'the command ran against production without a confirmation'."),
    ];

    private static readonly string[] CauseVerbs =
    [
        "broke", "caused", "deleted", "dropped", "ran", "pushed", "deployed", "missed", "ignored", "failed",
        "forgot", "didn't", "did not", "misconfigured", "changed", "skipped", "made", "overlooked", "removed",
    ];

    /// <summary>Every finding in <paramref name="text"/>, in order; <paramref name="people"/> are the names whose use as the subject of a cause is flagged.</summary>
    public static IReadOnlyList<BlameFinding> Check(string? text, IEnumerable<string>? people = null)
    {
        if (string.IsNullOrWhiteSpace(text))
            return [];
        var findings = new List<BlameFinding>();
        foreach (var rule in Rules)
        {
            foreach (Match m in rule.Pattern.Matches(text))
                findings.Add(new(m.Index, m.Length, m.Value, rule.Why, rule.Suggestion));
        }
        var verbs = string.Join("|", CauseVerbs.Select(Regex.Escape));
        foreach (var name in (people ?? []).Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => n.Trim()).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var subject = new Regex($@"\b{Regex.Escape(name)}\s+(?:{verbs})\b|\b(?:caused by|because(?: of)?|due to)\s+{Regex.Escape(name)}\b",
                RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
            foreach (Match m in subject.Matches(text))
            {
                findings.Add(new(m.Index, m.Length, m.Value, $"A person ({name}) is the subject of the cause.",
                    "Make the system the subject: what let the change through, what did not warn, what made the step risky."));
            }
        }
        return findings.OrderBy(f => f.Start).ToList();
    }

    [GeneratedRegex(@"\b(?:forgot|forgotten|forget|forgets|forgetting)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, 1000)]
    private static partial Regex Forgot();

    [GeneratedRegex(@"\bhuman\s+errors?\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, 1000)]
    private static partial Regex HumanError();

    [GeneratedRegex(@"\bshould(?:\s+have|'ve)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, 1000)]
    private static partial Regex ShouldHave();

    [GeneratedRegex(@"\bcareless(?:ly|ness)?\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, 1000)]
    private static partial Regex Careless();
}
