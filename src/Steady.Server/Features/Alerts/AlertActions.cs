using Microsoft.EntityFrameworkCore;
using Steady.Core;
using Steady.Core.Accounts;
using Steady.Core.Alerts;
using Steady.Server.Data;
using Steady.Server.Features.Paging;
using Steady.Server.Infrastructure;

namespace Steady.Server.Features.Alerts;

/// <summary>People acting on alerts: acknowledge and resolve, with who and when, never overwriting intake's changes.</summary>
public sealed class AlertActions(SteadyDb db, AlertStore store, TimeProvider time, WakeSignal<EscalationWorker> engine)
{
    public Task<Outcome<Alert>> AcknowledgeAsync(Actor actor, Guid alertId, CancellationToken cancellationToken) =>
        ActAsync(actor, alertId, (alert, _, now, runs) =>
        {
            if (alert.Status == AlertStatus.Resolved)
                return Failure.Conflict($"The alert was already resolved {Ago(now - alert.ResolvedAt!.Value)} by {alert.ResolvedBy}.");
            if (alert.Status == AlertStatus.Acknowledged)
                return null;
            Acknowledge(db, store, alert, actor.UserId, actor.Name, now, runs);
            return null;
        }, cancellationToken);

    /// <summary>
    /// Acknowledges a triggered alert as someone, in the caller's unit of work: who and when, its history, its
    /// audit entry, and its group's run stops (through <paramref name="runs"/>, applied before saving). The one
    /// place a person's acknowledgement is written: from the API, the console, a signed link, or with an incident.
    /// </summary>
    internal static void Acknowledge(SteadyDb db, AlertStore store, Alert alert, Guid? actorId, string actorName, DateTimeOffset now, RunChanges runs, string? note = null)
    {
        store.Record(alert.Acknowledge(store.NewEventId(), now, actorId, actorName, note));
        Audit(db, "acknowledged", alert, actorId, actorName, note);
        runs.Acknowledged(alert.GroupId, actorName);
    }

    public Task<Outcome<Alert>> ResolveAsync(Actor actor, Guid alertId, string? note, CancellationToken cancellationToken) =>
        ActAsync(actor, alertId, (alert, group, now, runs) =>
        {
            if (alert.Status == AlertStatus.Resolved)
                return null;
            Resolve(db, store, alert, group, actor.UserId, actor.Name, now, runs, string.IsNullOrWhiteSpace(note) ? null : note.Trim());
            return null;
        }, cancellationToken);

    /// <summary>
    /// Resolves an open alert as someone, in the caller's unit of work: who and when, its history, its audit entry,
    /// and its group's run ends when the group closes. The one place a person's resolution is written: from the
    /// API, the console or a signed link (monitoring resolves through intake).
    /// </summary>
    internal static void Resolve(SteadyDb db, AlertStore store, Alert alert, AlertGroup? group, Guid? actorId, string actorName, DateTimeOffset now, RunChanges runs, string? note)
    {
        store.Record(alert.Resolve(group, store.NewEventId(), now, actorId, actorName, note));
        Audit(db, "resolved", alert, actorId, actorName, note);
        if (group is { IsOpen: false })
            runs.Resolved(group.Id, actorName);
    }

    /// <summary>A person's acknowledgement or resolution as an audit entry: alerts are not audited as rows (intake writes them at speed), so people's acts on them are entries of their own.</summary>
    private static void Audit(SteadyDb db, string action, Alert alert, Guid? actorId, string actorName, string? note) =>
        db.AuditEvent(action, "alert", alert.Id.ToString(), actorId, actorName, new Dictionary<string, string?>
        {
            ["status"] = alert.Status.ToWire(),
            ["summary"] = alert.Summary,
            ["service"] = alert.ServiceId.ToString(),
            ["note"] = note,
        });

    /// <summary>Intake (or another person) may change the alert meanwhile: then it is read again and decided again.</summary>
    private Task<Outcome<Alert>> ActAsync(Actor actor, Guid alertId, Func<Alert, AlertGroup?, DateTimeOffset, RunChanges, Failure?> act, CancellationToken cancellationToken) =>
        db.RetryAsync<Outcome<Alert>>(async _ =>
        {
            var alert = await db.Alerts.FirstOrDefaultAsync(a => a.Id == alertId, cancellationToken);
            if (alert is null)
                return Failure.NotFound("The alert");
            var teamId = await db.Services.Where(s => s.Id == alert.ServiceId).Select(s => s.TeamId).FirstAsync(cancellationToken);
            if (!Permissions.CanRespondFor(actor, teamId))
                return Failure.Forbidden("Only responders of the service's team can act on its alerts.");
            var group = await db.AlertGroups.FirstOrDefaultAsync(g => g.Id == alert.GroupId, cancellationToken);
            var now = time.GetUtcNow();
            var runs = new RunChanges();
            if (act(alert, group, now, runs) is { } refused)
                return refused;
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await runs.ApplyAsync(db, now, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            if (!runs.IsEmpty)
                engine.Wake();
            return alert;
        });

    private static string Ago(TimeSpan span) => span.TotalMinutes < 1 ? "just now" : span.TotalHours < 1 ? $"{span.TotalMinutes:0} min ago" : $"{span.TotalHours:0.#} h ago";
}
