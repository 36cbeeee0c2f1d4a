using Microsoft.EntityFrameworkCore;
using Steady.Core;
using Steady.Core.Accounts;
using Steady.Core.Alerts;
using Steady.Server.Data;
using Steady.Server.Infrastructure;

namespace Steady.Server.Features.Alerts;

/// <summary>
/// Making and ending silences and maintenance windows, checked and saved in one place for the API and the
/// console; <see cref="Suppressions"/> then marks (or unmarks) the open alerts they cover.
/// </summary>
public sealed class SuppressionCommands(SteadyDb db, Suppressions suppressions, TimeProvider time)
{
    public async Task<Outcome<Silence>> CreateSilenceAsync(Actor actor, SilenceInput input, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var validation = new Validation().Name("reason", input.Reason, 500);
        if (input.Matchers is null || input.Matchers.Count == 0)
            validation.Add("matchers", "'matchers' needs at least one matcher, e.g. {\"name\": \"alertname\", \"value\": \"DiskFull\"}.");
        else if (input.Matchers.Count > 20)
            validation.Add("matchers", "'matchers' may have at most 20 matchers.");
        foreach (var problem in (input.Matchers ?? []).Select(m => m is null ? "a matcher is null." : m.Problem()).OfType<string>())
            validation.Add("matchers", problem);
        var (startsAt, endsAt) = SuppressionWindow.Plan(Silence.Kind, input.StartsAt, input.EndsAt, input.DurationMinutes, now, validation);
        if (validation.ToFailure() is { } invalid)
            return invalid;

        Guid? serviceId = null;
        if (!string.IsNullOrEmpty(input.Service))
        {
            var service = await db.ServiceAsync(input.Service, cancellationToken);
            if (service is null)
                return Failure.Invalid("service", $"There is no service '{input.Service}'.");
            if (!Permissions.CanRespondFor(actor, service.TeamId))
                return Failure.Forbidden("Only responders of the service's team can silence its alerts.");
            serviceId = service.Id;
        }
        else if (!actor.IsAdmin)
        {
            return Failure.Forbidden("A silence across all services needs an organization administrator; name a service to silence only its alerts.");
        }
        var silence = new Silence
        {
            Id = Ids.New(time),
            ServiceId = serviceId,
            Matchers = Silence.Serialize(input.Matchers!),
            StartsAt = startsAt,
            EndsAt = endsAt,
            Reason = input.Reason.Trim(),
            CreatedById = actor.UserId,
            CreatedBy = actor.Name,
            CreatedAt = now,
        };
        db.Silences.Add(silence);
        await db.SaveChangesAsync(cancellationToken);
        await suppressions.StartedAsync(silence, cancellationToken);
        return silence;
    }

    /// <summary>Ends it now (one not started yet is called off); its alerts lose the mark, and those still triggered page. Expiring one that is over is a conflict.</summary>
    public async Task<Outcome<Silence>> ExpireSilenceAsync(Actor actor, Guid id, CancellationToken cancellationToken)
    {
        var silence = await db.Silences.FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (silence is null)
            return Failure.NotFound("The silence");
        if (silence.ServiceId is { } serviceId)
        {
            var teamId = await db.Services.Where(s => s.Id == serviceId).Select(s => s.TeamId).FirstAsync(cancellationToken);
            if (!Permissions.CanRespondFor(actor, teamId))
                return Failure.Forbidden("Only responders of the service's team can expire its silences.");
        }
        else if (!actor.IsAdmin)
        {
            return Failure.Forbidden("Only organization administrators can expire a silence across all services.");
        }
        var now = time.GetUtcNow();
        if (silence.EndAt(now, Silence.Kind) is { } over)
            return Failure.Conflict(over);
        await db.SaveChangesAsync(cancellationToken);
        await suppressions.EndedAsync(silence, cancellationToken);
        return silence;
    }

    public async Task<Outcome<MaintenanceWindow>> PlanMaintenanceAsync(Actor actor, Guid serviceId, MaintenanceInput input, CancellationToken cancellationToken)
    {
        var found = await db.Services.AsNoTracking().FirstOrDefaultAsync(s => s.Id == serviceId, cancellationToken);
        if (found is null)
            return Failure.NotFound("The service");
        if (!Permissions.CanRespondFor(actor, found.TeamId))
            return Failure.Forbidden("Only responders of the owning team can plan maintenance.");
        var now = time.GetUtcNow();
        var validation = new Validation().Name("reason", input.Reason, 500);
        var (startsAt, endsAt) = SuppressionWindow.Plan(MaintenanceWindow.Kind, input.StartsAt, input.EndsAt, input.DurationMinutes, now, validation);
        if (validation.ToFailure() is { } invalid)
            return invalid;
        var window = new MaintenanceWindow
        {
            Id = Ids.New(time),
            ServiceId = found.Id,
            StartsAt = startsAt,
            EndsAt = endsAt,
            Reason = input.Reason.Trim(),
            CreatedById = actor.UserId,
            CreatedBy = actor.Name,
            CreatedAt = now,
        };
        db.MaintenanceWindows.Add(window);
        await db.SaveChangesAsync(cancellationToken);
        await suppressions.StartedAsync(window, cancellationToken);
        return window;
    }

    /// <summary>Ends it now (one not started yet is called off); its alerts lose the mark, and those still triggered page. Ending one that is over is a conflict.</summary>
    public async Task<Outcome<MaintenanceWindow>> EndMaintenanceAsync(Actor actor, Guid serviceId, Guid id, CancellationToken cancellationToken)
    {
        var found = await db.Services.AsNoTracking().FirstOrDefaultAsync(s => s.Id == serviceId, cancellationToken);
        if (found is null)
            return Failure.NotFound("The service");
        if (!Permissions.CanRespondFor(actor, found.TeamId))
            return Failure.Forbidden("Only responders of the owning team can end maintenance.");
        var window = await db.MaintenanceWindows.FirstOrDefaultAsync(m => m.Id == id && m.ServiceId == found.Id, cancellationToken);
        if (window is null)
            return Failure.NotFound("The maintenance window");
        var now = time.GetUtcNow();
        if (window.EndAt(now, MaintenanceWindow.Kind) is { } over)
            return Failure.Conflict(over);
        await db.SaveChangesAsync(cancellationToken);
        await suppressions.EndedAsync(window, cancellationToken);
        return window;
    }
}
