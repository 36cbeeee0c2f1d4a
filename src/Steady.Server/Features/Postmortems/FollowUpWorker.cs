using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Steady.Core.Accounts;
using Steady.Core.Incidents;
using Steady.Core.Postmortems;
using Steady.Server.Data;
using Steady.Server.Features.Incidents;
using Steady.Server.Features.Paging;
using Steady.Server.Infrastructure;

namespace Steady.Server.Features.Postmortems;

/// <summary>
/// Follows up until the work is done, after the incident is closed too: each open action item and each
/// postmortem not yet reviewed has its next reminder as a due row (<c>next_reminder_at</c>). A pass claims
/// the due rows with a lease through <see cref="OutboxClaims"/> (as the outboxes are claimed: on PostgreSQL
/// nodes skip each other's rows, a dead node's claims are released by <see cref="NodePresence"/>, on SQLite
/// by the next process), tells the owner — after the configured number of reminders the team's admins as
/// well — through the incident notices outbox, and stores the next reminder and lets go of the claim in the
/// same transaction. A row changed meanwhile (done, a new due date) is let go and read again next pass.
/// </summary>
public sealed partial class FollowUpWorker(
    IServiceScopeFactory scopes,
    OutboxClaims claims,
    IOptions<PostmortemOptions> options,
    WakeSignal<FollowUpWorker> signal,
    WakeSignal<IncidentWorker> notices,
    TimeProvider time,
    ILogger<FollowUpWorker> logger) : DueTimeWorker<FollowUpWorker>(signal, time, logger)
{
    private const int BatchSize = 50;

    protected override async Task StartingAsync(CancellationToken cancellationToken)
    {
        await claims.ReleaseOnStartAsync(ClaimedTable.ActionItemFollowUps, e => LogReleaseFailed(logger, e), cancellationToken);
        await claims.ReleaseOnStartAsync(ClaimedTable.PostmortemFollowUps, e => LogReleaseFailed(logger, e), cancellationToken);
    }

    protected internal override async Task<DateTimeOffset?> RunDueAsync(CancellationToken cancellationToken)
    {
        await Task.Yield(); // SQLite's "async" calls complete synchronously: never hold up the host's start
        var policy = options.Value.Policy;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SteadyDb>();
        var outbox = scope.ServiceProvider.GetRequiredService<IncidentOutbox>();
        var now = Time.GetUtcNow();
        var owner = claims.NewOwner();

        if (await db.Set<ActionItem>().AsNoTracking().AnyAsync(a => a.NextReminderAt != null && a.NextReminderAt <= now, cancellationToken)
            && await claims.ClaimAsync(db, ClaimedTable.ActionItemFollowUps, owner, now, BatchSize, cancellationToken) > 0)
        {
            var ids = await db.Set<ActionItem>().AsNoTracking().Where(a => a.LeaseOwner == owner).OrderBy(a => a.NextReminderAt).Select(a => a.Id).ToListAsync(cancellationToken);
            foreach (var id in ids)
            {
                // Each on its own: one that changed meanwhile is let go without holding back the others.
                if (await db.Set<ActionItem>().FirstOrDefaultAsync(a => a.Id == id && a.LeaseOwner == owner, cancellationToken) is { } item)
                    await RemindAsync(db, outbox, item, owner, policy, now, cancellationToken);
            }
        }
        if (await db.Set<Postmortem>().AsNoTracking().AnyAsync(p => p.NextReminderAt != null && p.NextReminderAt <= now, cancellationToken)
            && await claims.ClaimAsync(db, ClaimedTable.PostmortemFollowUps, owner, now, BatchSize, cancellationToken) > 0)
        {
            var ids = await db.Set<Postmortem>().AsNoTracking().Where(p => p.LeaseOwner == owner).OrderBy(p => p.NextReminderAt).Select(p => p.Id).ToListAsync(cancellationToken);
            foreach (var id in ids)
            {
                if (await db.Set<Postmortem>().FirstOrDefaultAsync(p => p.Id == id && p.LeaseOwner == owner, cancellationToken) is { } postmortem)
                    await RemindAsync(db, outbox, postmortem, owner, policy, now, cancellationToken);
            }
        }

        var nextItem = await db.Set<ActionItem>().AsNoTracking().Where(a => a.NextReminderAt != null).MinAsync(a => a.NextReminderAt, cancellationToken);
        var nextPostmortem = await db.Set<Postmortem>().AsNoTracking().Where(p => p.NextReminderAt != null).MinAsync(p => p.NextReminderAt, cancellationToken);
        return new[] { nextItem, nextPostmortem }.Where(d => d is not null).Min();
    }

    private async Task RemindAsync(SteadyDb db, IncidentOutbox outbox, ActionItem item, string owner, ReminderPolicy policy, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var letGo = () => db.Set<ActionItem>().Where(a => a.Id == item.Id && a.LeaseOwner == owner)
            .ExecuteUpdateAsync(u => u.SetProperty(a => a.LeaseOwner, (string?)null).SetProperty(a => a.LeaseUntil, (DateTimeOffset?)null), cancellationToken);
        if (item.NextReminderAt is not { } at || at > now)
        {
            // Done, dropped or given a new date between the claim and this read: nothing is due.
            db.ChangeTracker.Clear();
            await letGo();
            return;
        }
        var incident = await db.Incidents.AsNoTracking().FirstAsync(i => i.Id == item.IncidentId, cancellationToken);
        var number = item.RemindersSent + 1;
        var title = $"Action item {When(item.DueAt, now)}: {item.Title}";
        var body = $"From incident #{incident.Number} ({incident.Title}). Type {item.Type.ToWire()}, priority {item.Priority}, status {item.Status.ToWire()}."
            + (item.TicketUrl is null ? "" : $" Ticket: {item.TicketUrl}")
            + $" Mark it done, or not-doing with a reason, to stop these reminders (reminder {number}).";
        await TellAsync(db, outbox, incident, item.OwnerId, $"action-item:{item.Id:N}:due:{item.DueAt.ToUnixTimeSeconds()}:remind:{number}", title, body, number, policy, cancellationToken);
        item.RemindersSent = number;
        item.NextReminderAt = ActionItemReminders.Next(item.Status, item.DueAt, item.CreatedAt, number, policy);
        item.LeaseOwner = null;
        item.LeaseUntil = null;
        item.Version++;
        await SaveAsync(db, item.Id, letGo, cancellationToken);
    }

    private async Task RemindAsync(SteadyDb db, IncidentOutbox outbox, Postmortem postmortem, string owner, ReminderPolicy policy, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var letGo = () => db.Set<Postmortem>().Where(p => p.Id == postmortem.Id && p.LeaseOwner == owner)
            .ExecuteUpdateAsync(u => u.SetProperty(p => p.LeaseOwner, (string?)null).SetProperty(p => p.LeaseUntil, (DateTimeOffset?)null), cancellationToken);
        if (postmortem.NextReminderAt is not { } at || at > now)
        {
            db.ChangeTracker.Clear();
            await letGo();
            return;
        }
        var incident = await db.Incidents.AsNoTracking().FirstAsync(i => i.Id == postmortem.IncidentId, cancellationToken);
        var number = postmortem.RemindersSent + 1;
        if (postmortem.OwnerId is { } ownerId && postmortem.DueAt is { } due)
        {
            var unfilled = PostmortemSections.Unfilled(postmortem);
            var title = $"Postmortem {When(due, now)}: #{incident.Number} {incident.Title}";
            var body = $"The postmortem of incident #{incident.Number} ({incident.Severity}) is {postmortem.Status.ToWire()}."
                + (unfilled.Count == 0 ? " Every section is written: send it for review." : $" Not written yet: {string.Join(", ", unfilled.Select(s => s.Title.ToLowerInvariant()))}.")
                + $" Reminders stop once it is reviewed (reminder {number}).";
            await TellAsync(db, outbox, incident, ownerId, $"postmortem:{postmortem.Id:N}:due:{due.ToUnixTimeSeconds()}:remind:{number}", title, body, number, policy, cancellationToken);
        }
        postmortem.RemindersSent = number;
        postmortem.NextReminderAt = ActionItemReminders.Next(postmortem.Status, postmortem.OwnerId, postmortem.DueAt, postmortem.CreatedAt, number, policy);
        postmortem.LeaseOwner = null;
        postmortem.LeaseUntil = null;
        postmortem.Version++;
        await SaveAsync(db, postmortem.Id, letGo, cancellationToken);
    }

    /// <summary>The reminder to the owner, and from the reminder after <c>TellAdminsAfter</c> on to the admins of the incident's team too.</summary>
    private static async Task TellAsync(SteadyDb db, IncidentOutbox outbox, Incident incident, Guid ownerId, string key, string title, string body, int number, ReminderPolicy policy, CancellationToken cancellationToken)
    {
        outbox.ToUser(incident, ownerId, "remind", key, title, body);
        if (!ActionItemReminders.TellsAdmins(number, policy))
            return;
        var admins = await db.Memberships.AsNoTracking().Where(m => m.TeamId == incident.TeamId && m.Role == TeamRole.Admin && m.UserId != ownerId)
            .Select(m => m.UserId).OrderBy(id => id).ToListAsync(cancellationToken);
        foreach (var admin in admins)
            outbox.ToUser(incident, admin, "remind", key, $"Still open after {number - 1} reminders — {title}", body);
    }

    /// <summary>The reminder's notices and the row's next reminder, together; a row changed meanwhile is let go, to be read again.</summary>
    private async Task SaveAsync(SteadyDb db, Guid id, Func<Task<int>> letGo, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            notices.Wake();
        }
        catch (DbUpdateException e)
        {
            LogSkipped(logger, id, e.Message);
            db.ChangeTracker.Clear();
            await letGo();
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    private static string When(DateTimeOffset due, DateTimeOffset now) =>
        due > now ? $"is due {due.UtcDateTime:yyyy-MM-dd HH:mm} UTC" : due == now ? "is due now" : $"is overdue since {due.UtcDateTime:yyyy-MM-dd HH:mm} UTC";

    [LoggerMessage(EventId = 1801, Level = LogLevel.Information, Message = "Reminder for {Id} skipped this pass: {Reason}")]
    private static partial void LogSkipped(ILogger logger, Guid id, string reason);

    [LoggerMessage(EventId = 1802, Level = LogLevel.Warning, Message = "Could not take back the follow-up claims an earlier process held; they are reminded when their lease runs out")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception);
}
