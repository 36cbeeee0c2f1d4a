using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NodaTime;
using Steady.Core;
using Steady.Core.OnCall;
using Steady.Server.Data;
using Steady.Server.Infrastructure;
using Steady.Server.Notify;

namespace Steady.Server.Features.OnCall;

/// <summary>
/// Tells the incoming person, a lead time before their shift starts (Steady:OnCall:HandoffNoticeLead,
/// default 1 hour), through their contact methods: those their immediate notification rules use, or
/// every one when no rule is immediate — never a voice call. Each notice is claimed by inserting its
/// row (unique per schedule, person and shift start) before anything is sent, so a restart or a second
/// node never sends it twice; a notice that is already late is still sent while the shift lasts.
/// Sleeps until the next notice falls due, woken early when schedules or overrides change.
/// </summary>
public sealed partial class HandoffNotifier(
    WakeSignal<HandoffNotifier> signal,
    TimeProvider time,
    IServiceScopeFactory scopes,
    ChannelRegistry channels,
    IOptions<SteadyOptions> options,
    PublicUrls urls,
    ILogger<HandoffNotifier> logger) : DueTimeWorker<HandoffNotifier>(signal, time, logger)
{
    protected override TimeSpan Sweep => TimeSpan.FromMinutes(1);

    private TimeSpan Lead => options.Value.OnCall.HandoffNoticeLead;

    protected internal override async Task<DateTimeOffset?> RunDueAsync(CancellationToken cancellationToken)
    {
        var now = Time.GetUtcNow();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SteadyDb>();
        DateTimeOffset? next = null;
        foreach (var schedule in await db.Schedules.AsNoTracking().ToListAsync(cancellationToken))
        {
            var from = now - Lead;
            var to = now + Lead + TimeSpan.FromDays(1);
            var overrides = await db.ScheduleOverrides.AsNoTracking().Where(o => o.ScheduleId == schedule.Id && o.EndsAt > from && o.StartsAt < to.AddDays(28)).ToListAsync(cancellationToken);
            var rota = Layers.ToRota(schedule, overrides);
            var arrivals = ScheduleCalculator.Arrivals(rota, Instant.FromDateTimeOffset(from), Instant.FromDateTimeOffset(to), Duration.FromDays(28));
            var known = await db.HandoffNotices.AsNoTracking().Where(n => n.ScheduleId == schedule.Id && n.ShiftStart >= from && n.ShiftStart <= to)
                .Select(n => new { n.UserId, n.ShiftStart }).ToListAsync(cancellationToken);
            foreach (var arrival in arrivals)
            {
                var start = arrival.Start.ToDateTimeOffset();
                var end = arrival.End.ToDateTimeOffset();
                if (known.Any(k => k.UserId == arrival.UserId && k.ShiftStart == start) || end <= now)
                    continue;
                var due = start - Lead;
                if (due > now)
                {
                    next = next is { } n && n < due ? n : due;
                    continue;
                }
                await NotifyAsync(schedule, arrival.UserId!.Value, start, end, arrival.Source, rota, cancellationToken);
            }
        }
        return next;
    }

    private async Task NotifyAsync(Schedule schedule, Guid userId, DateTimeOffset start, DateTimeOffset end, string source, Rota rota, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SteadyDb>();
        var notice = new HandoffNotice
        {
            Id = Ids.New(Time),
            ScheduleId = schedule.Id,
            UserId = userId,
            ShiftStart = start,
            ShiftEnd = end,
            ClaimedAt = Time.GetUtcNow(),
            Outcome = HandoffNotice.Sending,
        };
        db.HandoffNotices.Add(notice);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            return; // claimed already: by another node, or before a restart
        }

        var user = await db.Users.AsNoTracking().FirstAsync(u => u.Id == userId, cancellationToken);
        var methods = await db.ContactMethods.AsNoTracking().Where(m => m.UserId == userId && m.Kind != ContactKind.Voice).OrderBy(m => m.Id).ToListAsync(cancellationToken);
        var immediate = await db.NotificationRules.AsNoTracking().Where(r => r.UserId == userId && r.DelayMinutes == 0 && r.Urgency != RuleUrgency.High).Select(r => r.ContactMethodId).ToListAsync(cancellationToken);
        if (methods.Any(m => immediate.Contains(m.Id)))
            methods = methods.Where(m => immediate.Contains(m.Id)).ToList();

        var zone = rota.Zone;
        var local = (DateTimeOffset t) => Instant.FromDateTimeOffset(t).InZone(zone).ToString("ddd yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        var before = ScheduleCalculator.OnCallAt(rota, Instant.FromDateTimeOffset(start) - Duration.FromSeconds(1));
        var from = before is { } previous && previous != userId ? await db.Users.AsNoTracking().Where(u => u.Id == previous).Select(u => u.Name).FirstOrDefaultAsync(cancellationToken) : null;
        var baseUrl = urls.Configured;
        var results = new List<string>();
        var sent = 0;
        foreach (var method in methods)
        {
            var notification = new Notification(
                NotificationKind.Handoff,
                $"You are on call for {schedule.Name} from {local(start)}",
                $"Your shift on {schedule.Name} ({source}) starts {local(start)} and lasts until {local(end)} ({schedule.TimeZone}).{(from is null ? "" : $" You take over from {from}.")}",
                Core.Alerts.Severity.Info,
                schedule.Name,
                0,
                [],
                null,
                null,
                baseUrl is null ? null : new Uri($"{baseUrl}/schedules/{schedule.Id}"),
                $"handoff-{notice.Id:N}-{method.Id:N}",
                Time.GetUtcNow());
            DeliveryResult result;
            try
            {
                result = await channels.SendAsync(ContactTarget.FromStored(method.Kind, method.Address, method.Settings), notification, cancellationToken);
            }
            catch (FormatException e)
            {
                result = DeliveryResult.Failed(e.Message);
            }
            if (result.Outcome == DeliveryOutcome.Sent)
                sent++;
            results.Add($"{method.Kind.ToWire()} ({method.Label}): {result.Outcome.ToString().ToLowerInvariant()}{(result.Outcome == DeliveryOutcome.Sent ? "" : " - " + result.Detail)}");
        }
        notice.Outcome = methods.Count == 0 ? HandoffNotice.Unreachable : sent > 0 ? HandoffNotice.Sent : HandoffNotice.Failed;
        notice.SentAt = sent > 0 ? Time.GetUtcNow() : null;
        notice.Detail = methods.Count == 0 ? $"{user.Name} has no contact method to send a handoff notice to." : NotificationText.Truncate(string.Join("; ", results), 2000);
        // The notice is recorded as done whatever happened: a handoff notice is a courtesy, not a page, and must never repeat.
        await db.SaveChangesAsync(CancellationToken.None);
        LogNotice(logger, schedule.Name, userId, start, notice.Outcome);
    }

    [LoggerMessage(EventId = 400, Level = LogLevel.Information, Message = "Handoff notice for {Schedule} to {UserId} (shift from {Start}): {Outcome}")]
    private static partial void LogNotice(ILogger logger, string schedule, Guid userId, DateTimeOffset start, string outcome);
}
