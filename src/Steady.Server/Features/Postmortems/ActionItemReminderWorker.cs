using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Steady.Core.Accounts;
using Steady.Core.Postmortems;
using Steady.Server.Data;
using Steady.Server.Features.Incidents;
using Steady.Server.Infrastructure;

namespace Steady.Server.Features.Postmortems;

/// <summary>
/// Follows action items up until they are done or dropped, after the incident is closed too: each open
/// item's next reminder is a due row (<see cref="ActionItem.NextReminderAt"/>). When it falls due the
/// owner is told — after the configured number of reminders the team's admins as well — through the
/// incident notices outbox (one notice per reminder under its key, so a repeat pass or another node
/// writes it once), and the next reminder is stored in the same transaction.
/// </summary>
public sealed partial class ActionItemReminderWorker(
    IServiceScopeFactory scopes,
    IOptions<PostmortemOptions> options,
    WakeSignal<ActionItemReminderWorker> signal,
    WakeSignal<IncidentWorker> notices,
    TimeProvider time,
    ILogger<ActionItemReminderWorker> logger) : DueTimeWorker<ActionItemReminderWorker>(signal, time, logger)
{
    protected internal override async Task<DateTimeOffset?> RunDueAsync(CancellationToken cancellationToken)
    {
        var policy = options.Value.Policy;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SteadyDb>();
        var outbox = scope.ServiceProvider.GetRequiredService<IncidentOutbox>();
        var now = Time.GetUtcNow();
        var due = await db.Set<ActionItem>().Where(a => a.NextReminderAt != null && a.NextReminderAt <= now)
            .OrderBy(a => a.NextReminderAt).Take(100).ToListAsync(cancellationToken);
        foreach (var item in due)
        {
            var incident = await db.Incidents.AsNoTracking().FirstAsync(i => i.Id == item.IncidentId, cancellationToken);
            var number = item.RemindersSent + 1;
            var when = item.DueAt > now ? $"is due {item.DueAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC" : item.DueAt == now ? "is due now" : $"is overdue since {item.DueAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC";
            var title = $"Action item {when}: {item.Title}";
            var body = $"From incident #{incident.Number} ({incident.Title}). Type {item.Type.ToWire()}, priority {item.Priority}, status {item.Status.ToWire()}.{(item.TicketUrl is null ? "" : $" Ticket: {item.TicketUrl}")} Mark it done, or not-doing with a reason, to stop these reminders (reminder {number}).";
            var key = $"action-item:{item.Id:N}:due:{item.DueAt.ToUnixTimeSeconds()}:remind:{number}";
            outbox.ToUser(incident, item.OwnerId, "remind", key, title, body);
            if (ActionItemReminders.TellsAdmins(number, policy))
            {
                var admins = await db.Memberships.AsNoTracking().Where(m => m.TeamId == incident.TeamId && m.Role == TeamRole.Admin && m.UserId != item.OwnerId)
                    .Select(m => m.UserId).OrderBy(id => id).ToListAsync(cancellationToken);
                foreach (var admin in admins)
                    outbox.ToUser(incident, admin, "remind", key, $"Still open after {number - 1} reminders — {title}", body);
            }
            item.RemindersSent = number;
            item.NextReminderAt = ActionItemReminders.Next(item.Status, item.DueAt, item.CreatedAt, number, policy);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                notices.Wake();
            }
            catch (DbUpdateException e)
            {
                // Changed meanwhile (the owner marked it done, another node reminded): the next pass reads it again.
                LogSkipped(logger, item.Id, e.Message);
                db.ChangeTracker.Clear();
                return now.AddSeconds(1);
            }
        }
        return await db.Set<ActionItem>().Where(a => a.NextReminderAt != null).MinAsync(a => a.NextReminderAt, cancellationToken);
    }

    [LoggerMessage(EventId = 1801, Level = LogLevel.Information, Message = "Reminder of action item {ItemId} skipped this pass: {Reason}")]
    private static partial void LogSkipped(ILogger logger, Guid itemId, string reason);
}
