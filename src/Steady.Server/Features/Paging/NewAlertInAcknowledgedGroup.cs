using Microsoft.EntityFrameworkCore;
using NodaTime;
using Steady.Core.Alerts;
using Steady.Core.OnCall;
using Steady.Core.Services;
using Steady.Server.Data;
using Steady.Core.Paging;

namespace Steady.Server.Features.Paging;

/// <summary>
/// New alerts (dedup keys the group had not seen) joined a group someone acknowledged, whatever the
/// grouping. The group stays that person's, and they are told: a page through their own notification
/// rules for the alert's urgency, marked "new alert in a group you acknowledged", through the outbox like
/// every page. When an alert is more severe than anything the group held, or no person can be told (the
/// sender acknowledged, or that person was disabled since), the group triggers again and pages through its
/// escalation policy from the first step. The rule is <see cref="Grouping.WhenANewAlertJoinsAnAcknowledgedGroup"/>.
/// </summary>
internal static class NewAlertInAcknowledgedGroup
{
    /// <summary>Restarts the run or plans the acknowledger's pages; adds to <paramref name="notes"/> what followed for each alert. Returns the deliveries planned.</summary>
    public static async Task<int> ApplyAsync(
        SteadyDb db, StepPlanner planner, EscalationRunRecord run, AlertGroup group, Service service,
        List<(Alert Alert, Severity GroupWorst)> joined, List<(Alert Alert, string Note)> notes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // The person who acknowledged it: the latest acknowledgement of its open alerts by someone who can still be paged.
        var person = await db.Alerts.AsNoTracking()
            .Where(a => a.GroupId == group.Id && a.Status == AlertStatus.Acknowledged && a.AcknowledgedById != null)
            .Join(db.Users.Where(u => u.DisabledAt == null), a => a.AcknowledgedById, u => (Guid?)u.Id, (a, u) => new { u.Id, u.Name, a.AcknowledgedAt })
            .OrderByDescending(x => x.AcknowledgedAt)
            .FirstOrDefaultAsync(cancellationToken);
        var who = person?.Name
            ?? await db.Alerts.AsNoTracking()
                .Where(a => a.GroupId == group.Id && a.Status == AlertStatus.Acknowledged)
                .OrderByDescending(a => a.AcknowledgedAt).Select(a => a.AcknowledgedBy).FirstOrDefaultAsync(cancellationToken)
            ?? "someone";
        var acknowledged = person?.AcknowledgedAt is { } at ? $"\"{group.Title}\", which {who} acknowledged at {at:HH:mm} UTC" : $"\"{group.Title}\", acknowledged by {who}";

        var retrigger = joined.Where(j => Grouping.WhenANewAlertJoinsAnAcknowledgedGroup(j.Alert.Severity, j.GroupWorst, person is not null) == JoinOutcome.Retrigger).ToList();
        if (retrigger.Count > 0)
        {
            RunChanges.Restart(run, service, Urgencies.For(group.Severity, service.Urgency), now);
            var (worst, before) = retrigger.MaxBy(j => j.Alert.Severity);
            if (Grouping.IsTitledBySummary(group))
                group.Title = worst.Summary; // the page names what triggered it again
            run.Note = person is null
                ? $"re-triggered: a new alert joined and no person who can be paged acknowledged the group (acknowledged by {who})"
                : $"re-triggered: a new {worst.Severity.ToWire()} alert is more severe than anything the group held ({before.ToWire()})";
            foreach (var (alert, groupWorst) in joined)
            {
                notes.Add((alert, retrigger.Any(r => r.Alert == alert)
                    ? person is null
                        ? $"joined {acknowledged}, not a person who can be paged: the group triggered again and pages through its escalation policy"
                        : $"joined {acknowledged}, and is more severe ({alert.Severity.ToWire()}) than anything in it ({groupWorst.ToWire()}): the group triggered again and pages through its escalation policy"
                    : $"joined {acknowledged}; a more severe alert joined with it, so the group triggered again and pages through its escalation policy"));
            }
            return 0;
        }

        var planned = 0;
        var hours = service.ReadBusinessHours();
        foreach (var (alert, _) in joined)
        {
            var urgency = Urgencies.For(alert.Severity, service.Urgency);
            var due = now;
            var waits = "";
            if (urgency == Urgency.Low && hours is not null && !hours.IsOpenAt(Instant.FromDateTimeOffset(now)))
            {
                due = hours.NextOpening(Instant.FromDateTimeOffset(now)).ToDateTimeOffset();
                waits = $", at {due:yyyy-MM-dd HH:mm} UTC (low urgency waits for business hours)";
            }
            planned += await planner.PlanNewAlertAsync(run, person!.Id, alert.Id, urgency, due, cancellationToken);
            notes.Add((alert, $"joined {acknowledged}: {who} is paged about it{waits} (new alert in a group you acknowledged); the group stays acknowledged"));
        }
        return planned;
    }
}
