using System.Globalization;
using System.Text;

namespace Steady.Core.Postmortems;

/// <summary>One deliberate action of the incident, as the action log has it.</summary>
public sealed record ActionTaken(string Intent, string ExpectedEffect, string DecidedBy, DateTimeOffset DecidedAt, string? ObservedEffect);

/// <summary>What a draft proposes from the incident's records, for people to keep, change or delete.</summary>
public static class PostmortemProposals
{
    /// <summary>
    /// The contributing factors' draft: the failed assumptions the record names, then every action whose effect
    /// was observed, expected against observed, so the review can say which made it worse ("many severe outages
    /// are made worse by well-intentioned actions taken too early"). Null when there is nothing to propose.
    /// </summary>
    public static string? ContributingFactors(string? failedAssumptions, IEnumerable<ActionTaken> actions)
    {
        var observed = actions.Where(a => !string.IsNullOrWhiteSpace(a.ObservedEffect)).OrderBy(a => a.DecidedAt).ToList();
        if (observed.Count == 0)
            return string.IsNullOrWhiteSpace(failedAssumptions) ? null : failedAssumptions.Trim();
        var text = new StringBuilder();
        if (!string.IsNullOrWhiteSpace(failedAssumptions))
            text.Append(failedAssumptions.Trim()).Append("\n\n");
        text.Append("Actions taken, expected against observed — did any make it worse?\n");
        foreach (var a in observed)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n- {a.DecidedAt.UtcDateTime:HH:mm} UTC, {Line(a.Intent)} (decided by {Line(a.DecidedBy)}): expected {Line(a.ExpectedEffect)}; observed {Line(a.ObservedEffect!)}.");
        }
        return text.ToString();
    }

    private static string Line(string text) => text.ReplaceLineEndings(" ").Trim().TrimEnd('.');
}
