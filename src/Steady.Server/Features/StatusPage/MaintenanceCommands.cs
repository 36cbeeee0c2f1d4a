using Microsoft.EntityFrameworkCore;
using Steady.Core;
using Steady.Core.Accounts;
using Steady.Core.Alerts;
using Steady.Core.StatusPage;
using Steady.Server.Data;
using Steady.Server.Features.Alerts;
using Steady.Server.Infrastructure;

namespace Steady.Server.Features.StatusPage;

/// <summary>A maintenance to schedule: its window (an end, or a duration), its components, the reminder's lead and whether to silence the linked services' alerts.</summary>
public sealed record ScheduledMaintenanceInput(
    string? Title = null,
    string? Body = null,
    DateTimeOffset? StartsAt = null,
    DateTimeOffset? EndsAt = null,
    int? DurationMinutes = null,
    IReadOnlyList<string>? Components = null,
    int? NoticeMinutes = null,
    bool? SilenceAlerts = null);

/// <summary>A person moving a maintenance on (start early, verifying, completed) or telling more, with words.</summary>
public sealed record MaintenanceUpdateInput(string? Status = null, string? Body = null);

/// <summary>
/// Scheduled maintenance, the one home of its changes: scheduling (with its components, its notice to
/// subscribers and, when asked, Steady's alert maintenance windows for the linked services, all in one
/// transaction), a person's updates, deleting, and the clock's steps the worker takes when due (the
/// reminder before it starts, the start, the completion). Starting puts its components under maintenance;
/// completing gives back operational to those no other running maintenance holds.
/// </summary>
public sealed class MaintenanceCommands(
    SteadyDb db,
    TimeProvider time,
    StatusPageCommands pages,
    StatusBroadcasts broadcasts,
    Suppressions suppressions,
    WakeSignal<SuppressionWorker> suppressionWorker)
{
    public const string Steady = "Steady";

    public async Task<Outcome<StatusMaintenance>> ScheduleAsync(Actor actor, string slug, ScheduledMaintenanceInput input, CancellationToken cancellationToken)
    {
        if (!StatusPageCommands.CanPost(actor))
            return Failure.Forbidden("Only responders schedule maintenance on the status page.");
        var page = await pages.PageAsync(slug, cancellationToken);
        if (page is null)
            return Failure.NotFound($"The status page '{slug}'");
        var now = time.GetUtcNow();
        var v = new Validation().Name("title", input.Title, 200).Text("body", input.Body, PublicIncidentCommands.MaxBody);
        var startsAt = input.StartsAt?.ToUniversalTime();
        var endsAt = input.EndsAt?.ToUniversalTime() ?? (input.DurationMinutes is { } minutes && startsAt is { } s ? s.AddMinutes(minutes) : null);
        if (input.DurationMinutes is <= 0)
            v.Add("durationMinutes", "'durationMinutes' must be more than 0.");
        MaintenanceClock.Check(startsAt, endsAt, input.NoticeMinutes, now, v);
        var components = new List<StatusComponent>();
        if (input.Components is { Count: > 100 })
            v.Add("components", "A maintenance may name at most 100 components.");
        foreach (var reference in input.Components ?? [])
        {
            if (await pages.ComponentAsync(page.Id, reference ?? "", cancellationToken) is { } found)
                components.Add(found);
            else
                v.Add("components", $"The page has no component '{reference}'.");
        }
        var serviceIds = components.Where(c => c.ServiceId is not null).Select(c => c.ServiceId!.Value).Distinct().ToList();
        if (input.SilenceAlerts == true && v.IsValid && serviceIds.Count == 0)
            v.Add("silenceAlerts", "None of its components is linked to a service, so there are no alerts to silence.");
        if (v.ToFailure() is { } invalid)
            return invalid;
        var services = await db.Services.AsNoTracking().Where(s => serviceIds.Contains(s.Id)).ToListAsync(cancellationToken);
        if (input.SilenceAlerts == true && services.Where(s => !Permissions.CanRespondFor(actor, s.TeamId)).Select(s => s.Name).ToList() is { Count: > 0 } notYours)
            return Failure.Forbidden($"Only responders of their teams can silence the alerts of {string.Join(", ", notYours)}; schedule it without silenceAlerts, or ask them.");

        var maintenance = new StatusMaintenance
        {
            Id = Ids.New(time),
            PageId = page.Id,
            Title = input.Title!.Trim(),
            Status = MaintenanceStatus.Scheduled,
            StartsAt = startsAt!.Value,
            EndsAt = endsAt!.Value,
            NoticeMinutes = input.NoticeMinutes ?? MaintenanceClock.DefaultNoticeMinutes,
            SilenceAlerts = input.SilenceAlerts == true,
            CreatedAt = now,
            CreatedBy = actor.Name,
            UpdatedAt = now,
        };
        // Scheduled within its notice: the scheduling notice is the reminder.
        if (maintenance.NoticeMinutes > 0 && now >= maintenance.StartsAt.AddMinutes(-maintenance.NoticeMinutes))
            maintenance.RemindedAt = now;
        db.Add(maintenance);
        foreach (var component in components.DistinctBy(c => c.Id))
            db.Add(new StatusMaintenanceComponent { MaintenanceId = maintenance.Id, ComponentId = component.Id });
        var update = AddUpdate(maintenance, MaintenanceStatus.Scheduled, StatusPageCommands.Blank(input.Body) ?? "We will be performing scheduled maintenance.", actor.Name, now);
        var windows = new List<MaintenanceWindow>();
        if (maintenance.SilenceAlerts)
        {
            foreach (var service in services)
            {
                var window = new MaintenanceWindow
                {
                    Id = Ids.New(time),
                    ServiceId = service.Id,
                    StartsAt = maintenance.StartsAt,
                    EndsAt = maintenance.EndsAt,
                    Reason = $"Status page maintenance: {maintenance.Title}",
                    CreatedById = actor.UserId,
                    CreatedBy = actor.Name,
                    CreatedAt = now,
                };
                db.Add(window);
                db.Add(new StatusMaintenanceWindow { MaintenanceId = maintenance.Id, WindowId = window.Id });
                windows.Add(window);
            }
        }
        var componentIds = components.Select(c => c.Id).Distinct().ToList();
        await broadcasts.MaintenanceAsync(page, maintenance, [update], componentIds, "scheduled", cancellationToken);
        await StepAsync(page, maintenance, now, cancellationToken);
        page.ChangedAt = now;
        await pages.SaveAsync(cancellationToken);
        foreach (var window in windows)
            await suppressions.StartedAsync(window, cancellationToken);
        return maintenance;
    }

    /// <summary>A person's update: start it early, verifying, completed, or more words in the status it has.</summary>
    public async Task<Outcome<StatusMaintenance>> PostUpdateAsync(Actor actor, string slug, Guid id, MaintenanceUpdateInput input, CancellationToken cancellationToken)
    {
        if (!StatusPageCommands.CanPost(actor))
            return Failure.Forbidden("Only responders update maintenance on the status page.");
        var page = await pages.PageAsync(slug, cancellationToken);
        if (page is null)
            return Failure.NotFound($"The status page '{slug}'");
        var maintenance = await db.Set<StatusMaintenance>().FirstOrDefaultAsync(m => m.PageId == page.Id && m.Id == id, cancellationToken);
        if (maintenance is null)
            return Failure.NotFound("The maintenance");
        var status = MaintenanceClock.Parse(input.Status);
        var v = new Validation().Text("body", input.Body, PublicIncidentCommands.MaxBody);
        if (status is null)
            v.Add("status", $"'status' must be {MaintenanceClock.StatusChoices}.");
        if (string.IsNullOrWhiteSpace(input.Body))
            v.Add("body", "'body' is required: say what is happening.");
        if (v.ToFailure() is { } invalid)
            return invalid;
        if (MaintenanceClock.CheckMove(maintenance.Status, status!.Value) is { } backwards)
            return Failure.Conflict(backwards);
        var now = time.GetUtcNow();
        if (status.Value != MaintenanceStatus.Scheduled && maintenance.Status == MaintenanceStatus.Scheduled)
            await StartAsync(page, maintenance, now, null, cancellationToken);
        if (status.Value == MaintenanceStatus.Completed)
            await CompleteAsync(page, maintenance, now, input.Body!.Trim(), actor.Name, cancellationToken);
        else
        {
            maintenance.Status = status.Value;
            AddUpdate(maintenance, status.Value, input.Body!.Trim(), actor.Name, now);
        }
        Touch(maintenance, now);
        page.ChangedAt = now;
        await pages.SaveAsync(cancellationToken);
        suppressionWorker.Wake();
        return maintenance;
    }

    /// <summary>Deletes a maintenance that is not running (one running is completed instead); its alert windows still to come are called off.</summary>
    public async Task<Outcome<StatusMaintenance>> DeleteAsync(Actor actor, string slug, Guid id, CancellationToken cancellationToken)
    {
        if (!StatusPageCommands.CanPost(actor))
            return Failure.Forbidden("Only responders delete maintenance on the status page.");
        var page = await pages.PageAsync(slug, cancellationToken);
        if (page is null)
            return Failure.NotFound($"The status page '{slug}'");
        var maintenance = await db.Set<StatusMaintenance>().FirstOrDefaultAsync(m => m.PageId == page.Id && m.Id == id, cancellationToken);
        if (maintenance is null)
            return Failure.NotFound("The maintenance");
        if (maintenance.IsActive)
            return Failure.Conflict("The maintenance is running: complete it (status completed) rather than delete it, so its components come back.");
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await pages.RemoveMaintenanceRowsAsync(maintenance, cancellationToken);
        db.Remove(maintenance);
        page.ChangedAt = time.GetUtcNow();
        await pages.SaveAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        suppressionWorker.Wake();
        return maintenance;
    }

    /// <summary>The worker's step for one maintenance that is due: remind, start, complete (each at most once, whichever node gets there first).</summary>
    public async Task RunDueAsync(Guid id, CancellationToken cancellationToken)
    {
        var maintenance = await db.Set<StatusMaintenance>().FirstOrDefaultAsync(m => m.Id == id, cancellationToken);
        if (maintenance is null)
            return;
        var page = await db.Set<PublicStatusPage>().FirstAsync(p => p.Id == maintenance.PageId, cancellationToken);
        var now = time.GetUtcNow();
        if (!await StepAsync(page, maintenance, now, cancellationToken))
        {
            maintenance.NextDueAt = MaintenanceClock.NextDue(maintenance);
            await db.SaveChangesAsync(cancellationToken);
            return;
        }
        page.ChangedAt = now;
        try
        {
            await pages.SaveAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return; // another node took this step
        }
        suppressionWorker.Wake();
    }

    /// <summary>Takes every step due at <paramref name="now"/>, in order; returns whether it took any.</summary>
    private async Task<bool> StepAsync(PublicStatusPage page, StatusMaintenance maintenance, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var took = false;
        for (var step = MaintenanceClock.Due(maintenance, now); step != MaintenanceStep.None; step = MaintenanceClock.Due(maintenance, now))
        {
            took = true;
            switch (step)
            {
                case MaintenanceStep.Remind:
                    maintenance.RemindedAt = now;
                    await broadcasts.MaintenanceAsync(page, maintenance, await UpdatesAsync(maintenance, cancellationToken), await ComponentIdsAsync(maintenance, cancellationToken), "reminder", cancellationToken);
                    break;
                case MaintenanceStep.Start:
                    await StartAsync(page, maintenance, now, "The scheduled maintenance has begun.", cancellationToken);
                    break;
                default:
                    await CompleteAsync(page, maintenance, now, "The scheduled maintenance has been completed.", Steady, cancellationToken);
                    break;
            }
            Touch(maintenance, now);
        }
        maintenance.NextDueAt = MaintenanceClock.NextDue(maintenance);
        return took;
    }

    private async Task StartAsync(PublicStatusPage page, StatusMaintenance maintenance, DateTimeOffset now, string? body, CancellationToken cancellationToken)
    {
        maintenance.Status = MaintenanceStatus.InProgress;
        maintenance.StartedAt = now;
        maintenance.RemindedAt ??= now;
        foreach (var component in await ComponentsAsync(maintenance, cancellationToken))
            await SetAsync(page, component, ComponentState.UnderMaintenance, now, cancellationToken);
        if (body is not null)
            AddUpdate(maintenance, MaintenanceStatus.InProgress, body, Steady, now);
    }

    private async Task CompleteAsync(PublicStatusPage page, StatusMaintenance maintenance, DateTimeOffset now, string body, string author, CancellationToken cancellationToken)
    {
        maintenance.Status = MaintenanceStatus.Completed;
        maintenance.CompletedAt = now;
        var stillHeld = await (from c in db.Set<StatusMaintenanceComponent>()
                               join m in db.Set<StatusMaintenance>() on c.MaintenanceId equals m.Id
                               where m.Id != maintenance.Id && (m.Status == MaintenanceStatus.InProgress || m.Status == MaintenanceStatus.Verifying)
                               select c.ComponentId).ToListAsync(cancellationToken);
        foreach (var component in (await ComponentsAsync(maintenance, cancellationToken)).Where(c => c.State == ComponentState.UnderMaintenance && !stillHeld.Contains(c.Id)))
            await SetAsync(page, component, ComponentState.Operational, now, cancellationToken);
        var windowIds = await db.Set<StatusMaintenanceWindow>().Where(w => w.MaintenanceId == maintenance.Id).Select(w => w.WindowId).ToListAsync(cancellationToken);
        foreach (var window in await db.MaintenanceWindows.Where(w => windowIds.Contains(w.Id) && w.EndsAt > now).ToListAsync(cancellationToken))
            window.EndAt(now, MaintenanceWindow.Kind);
        var update = AddUpdate(maintenance, MaintenanceStatus.Completed, body, author, now);
        var updates = (await UpdatesAsync(maintenance, cancellationToken)).Append(update).DistinctBy(u => u.Id).ToList();
        await broadcasts.MaintenanceAsync(page, maintenance, updates, await ComponentIdsAsync(maintenance, cancellationToken), "completed", cancellationToken);
    }

    /// <summary>A component's state through the one home of state changes, told to webhook subscribers (emails hear of the maintenance itself).</summary>
    private async Task SetAsync(PublicStatusPage page, StatusComponent component, ComponentState to, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var from = component.State;
        await pages.SetStateAsync(component, to, now, cancellationToken);
        await broadcasts.ComponentAsync(page, component, from, to, webhookOnly: true, cancellationToken);
    }

    private StatusMaintenanceUpdate AddUpdate(StatusMaintenance maintenance, MaintenanceStatus status, string body, string author, DateTimeOffset now)
    {
        var update = new StatusMaintenanceUpdate { Id = Ids.New(time), MaintenanceId = maintenance.Id, Status = status, Body = body, At = now, Author = author };
        db.Add(update);
        return update;
    }

    private static void Touch(StatusMaintenance maintenance, DateTimeOffset now)
    {
        maintenance.UpdatedAt = now;
        maintenance.Version++;
        maintenance.NextDueAt = MaintenanceClock.NextDue(maintenance);
    }

    private async Task<List<StatusComponent>> ComponentsAsync(StatusMaintenance maintenance, CancellationToken cancellationToken)
    {
        var ids = await ComponentIdsAsync(maintenance, cancellationToken);
        return await db.Set<StatusComponent>().Where(c => ids.Contains(c.Id)).OrderBy(c => c.Position).ToListAsync(cancellationToken);
    }

    private async Task<List<Guid>> ComponentIdsAsync(StatusMaintenance maintenance, CancellationToken cancellationToken) =>
        (await db.Set<StatusMaintenanceComponent>().AsNoTracking().Where(c => c.MaintenanceId == maintenance.Id).Select(c => c.ComponentId).ToListAsync(cancellationToken))
            .Concat(db.Set<StatusMaintenanceComponent>().Local.Where(c => c.MaintenanceId == maintenance.Id).Select(c => c.ComponentId)).Distinct().ToList();

    private async Task<List<StatusMaintenanceUpdate>> UpdatesAsync(StatusMaintenance maintenance, CancellationToken cancellationToken) =>
        (await db.Set<StatusMaintenanceUpdate>().AsNoTracking().Where(u => u.MaintenanceId == maintenance.Id).ToListAsync(cancellationToken))
            .Concat(db.Set<StatusMaintenanceUpdate>().Local.Where(u => u.MaintenanceId == maintenance.Id)).DistinctBy(u => u.Id).ToList();
}
