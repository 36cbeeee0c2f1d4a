using System.Globalization;
using System.Text;
using Steady.Core.Incidents;

namespace Steady.Core.Postmortems;

/// <summary>One deliberate action of the incident, as the action log has it (with the verdict given on its effect, if any).</summary>
public sealed record ActionTaken(string Intent, string ExpectedEffect, string DecidedBy, DateTimeOffset DecidedAt, string? ObservedEffect, ActionVerdict? Verdict = null);

/// <summary>What a draft proposes from the incident's records, for people to keep, change or delete.</summary>
public static class PostmortemProposals
{
    /// <summary>
    /// The contributing factors' draft: the failed assumptions the record names; then the actions whose observed
    /// effect was judged to have made it worse ("many severe outages are made worse by well-intentioned actions
    /// taken too early"); then the actions observed without a verdict, expected against observed, for the review to
    /// judge. Actions judged as expected or without effect are not proposed. Null when there is nothing to propose.
    /// </summary>
    public static string? ContributingFactors(string? failedAssumptions, IEnumerable<ActionTaken> actions)
    {
        var observed = actions.Where(a => !string.IsNullOrWhiteSpace(a.ObservedEffect)).OrderBy(a => a.DecidedAt).ToList();
        var worse = observed.Where(a => a.Verdict == ActionVerdict.MadeWorse).ToList();
        var unjudged = observed.Where(a => a.Verdict is null).ToList();
        var parts = new List<string>();
        if (!string.IsNullOrWhiteSpace(failedAssumptions))
            parts.Add(failedAssumptions.Trim());
        if (worse.Count > 0)
        {
            var text = new StringBuilder("Actions that made it worse:\n");
            foreach (var a in worse)
                text.Append(CultureInfo.InvariantCulture, $"\n- made it worse: {Line(a.Intent)} ({a.DecidedAt.UtcDateTime:HH:mm} UTC, decided by {Line(a.DecidedBy)}) — expected {Line(a.ExpectedEffect)}, observed {Line(a.ObservedEffect!)}.");
            parts.Add(text.ToString());
        }
        if (unjudged.Count > 0)
        {
            var text = new StringBuilder("Actions taken, expected against observed — did any make it worse?\n");
            foreach (var a in unjudged)
                text.Append(CultureInfo.InvariantCulture, $"\n- {a.DecidedAt.UtcDateTime:HH:mm} UTC, {Line(a.Intent)} (decided by {Line(a.DecidedBy)}): expected {Line(a.ExpectedEffect)}; observed {Line(a.ObservedEffect!)}.");
            parts.Add(text.ToString());
        }
        return parts.Count == 0 ? null : string.Join("\n\n", parts);
    }

    private static string Line(string text) => text.ReplaceLineEndings(" ").Trim().TrimEnd('.');
}
