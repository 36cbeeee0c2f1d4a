using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Steady.Core;
using Steady.Core.Accounts;
using Steady.Core.StatusPage;
using Steady.Server.Data;
using Steady.Server.Infrastructure;

namespace Steady.Server.Features.StatusPage;

public sealed record MaintenanceUpdateDto(Guid Id, string Status, string Body, DateTimeOffset At, string Author);

public sealed record MaintenanceDto(Guid Id, string Title, string Status, DateTimeOffset StartsAt, DateTimeOffset EndsAt, int NoticeMinutes, bool SilenceAlerts,
    IReadOnlyList<string> Components, DateTimeOffset? StartedAt, DateTimeOffset? CompletedAt, string CreatedBy, IReadOnlyList<MaintenanceUpdateDto> Updates);

public sealed record SubscriberDto(Guid Id, string Kind, string Address, string State, IReadOnlyList<string>? Components, DateTimeOffset CreatedAt, string? CreatedBy,
    DateTimeOffset? ConfirmedAt, DateTimeOffset? FailedAt, string? FailedReason, string? LastOutcome);

public sealed record SubscriberCountsDto(int Active, int Pending, int Failed, int Email, int Webhook);

public sealed record SubscribersDto(SubscriberCountsDto Counts, IReadOnlyList<SubscriberDto> Items);

/// <summary>
/// A page's scheduled maintenance, its subscribers, its secret link and the deletes, in the API. Maintenance is
/// for responders (as incidents are); subscribers, the secret link and deletes for organization administrators.
/// </summary>
public static class StatusPageAdminApi
{
    public static RouteGroupBuilder MapStatusPageAdminApi(this RouteGroupBuilder pages)
    {
        pages.MapDelete("/{slug}", DeletePage).WithSummary("Delete a page and everything on it (administrators)");
        pages.MapPost("/{slug}/access-link", AccessLink).WithSummary("Make the page's secret link (replacing the earlier one); the key is shown only now");
        pages.MapDelete("/{slug}/groups/{group}", DeleteGroup).WithSummary("Delete a group; its components stay, in no group");
        pages.MapDelete("/{slug}/components/{component}", DeleteComponent).WithSummary("Delete a component and its history");
        pages.MapGet("/{slug}/maintenances", Maintenances).WithSummary("The page's scheduled maintenance, latest start first");
        pages.MapPost("/{slug}/maintenances", Schedule).WithSummary("Schedule maintenance: title, body, startsAt, endsAt (or durationMinutes), components, noticeMinutes (default 60), silenceAlerts");
        pages.MapGet("/{slug}/maintenances/{id:guid}", Maintenance).WithSummary("One maintenance with its updates");
        pages.MapPost("/{slug}/maintenances/{id:guid}/updates", UpdateMaintenance).WithSummary("Move a maintenance on (in_progress, verifying, completed) or tell more, with a body");
        pages.MapDelete("/{slug}/maintenances/{id:guid}", DeleteMaintenance).WithSummary("Delete a maintenance that is not running; its alert windows still to come are called off");
        pages.MapGet("/{slug}/subscribers", Subscribers).WithSummary("Subscribers with their counts and failures (administrators)");
        pages.MapGet("/{slug}/subscribers/export", Export).WithSummary("Subscribers as CSV (administrators)");
        pages.MapPost("/{slug}/subscribers", AddSubscriber).WithSummary("Add a subscriber: kind email (confirmed by its owner) or webhook, address, components");
        pages.MapDelete("/{slug}/subscribers/{id:guid}", RemoveSubscriber).WithSummary("Remove a subscriber and the messages it was still to get");
        return pages;
    }

    private static async Task<Results<Ok<PageDto>, ProblemHttpResult>> DeletePage(string slug, ActorAccessor actors, StatusPageCommands commands, CancellationToken cancellationToken)
    {
        var outcome = await commands.DeletePageAsync(await actors.RequireAsync(cancellationToken), slug, cancellationToken);
        return outcome.Succeeded ? TypedResults.Ok(PageDto.From(outcome.Value!)) : outcome.Failure!.ToProblem();
    }

    private static async Task<Results<Ok<AccessLinkDto>, ProblemHttpResult>> AccessLink(string slug, ActorAccessor actors, StatusPageCommands commands, PublicUrls urls, CancellationToken cancellationToken)
    {
        var outcome = await commands.CreateAccessLinkAsync(await actors.RequireAsync(cancellationToken), slug, cancellationToken);
        if (!outcome.Succeeded)
            return outcome.Failure!.ToProblem();
        var (page, key) = outcome.Value;
        return TypedResults.Ok(new AccessLinkDto($"{StatusPagePaths.Url(page, urls.Base())}?{StatusPageAccess.AccessQuery}={key}", key));
    }

    private static async Task<Results<Ok<GroupDto>, ProblemHttpResult>> DeleteGroup(string slug, string group, ActorAccessor actors, StatusPageCommands commands, CancellationToken cancellationToken)
    {
        var outcome = await commands.DeleteGroupAsync(await actors.RequireAsync(cancellationToken), slug, group, cancellationToken);
        return outcome.Succeeded ? TypedResults.Ok(GroupDto.From(outcome.Value!)) : outcome.Failure!.ToProblem();
    }

    private static async Task<Results<Ok<ComponentDto>, ProblemHttpResult>> DeleteComponent(string slug, string component, ActorAccessor actors, StatusPageCommands commands, CancellationToken cancellationToken)
    {
        var outcome = await commands.DeleteComponentAsync(await actors.RequireAsync(cancellationToken), slug, component, cancellationToken);
        return outcome.Succeeded ? TypedResults.Ok(ComponentDto.From(outcome.Value!)) : outcome.Failure!.ToProblem();
    }

    private static async Task<Results<Ok<IReadOnlyList<MaintenanceDto>>, ProblemHttpResult>> Maintenances(string slug, SteadyDb db, StatusPageCommands commands, CancellationToken cancellationToken)
    {
        if (await commands.PageAsync(slug, cancellationToken) is not { } page)
            return Problems.NotFound($"The status page '{slug}'");
        var rows = await db.Set<StatusMaintenance>().AsNoTracking().Where(m => m.PageId == page.Id).OrderByDescending(m => m.StartsAt).Take(200).ToListAsync(cancellationToken);
        return TypedResults.Ok(await ReadAsync(db, rows, cancellationToken));
    }

    private static async Task<Results<Ok<MaintenanceDto>, ProblemHttpResult>> Maintenance(string slug, Guid id, SteadyDb db, StatusPageCommands commands, CancellationToken cancellationToken)
    {
        if (await commands.PageAsync(slug, cancellationToken) is not { } page)
            return Problems.NotFound($"The status page '{slug}'");
        var row = await db.Set<StatusMaintenance>().AsNoTracking().FirstOrDefaultAsync(m => m.PageId == page.Id && m.Id == id, cancellationToken);
        return row is null ? Problems.NotFound("The maintenance") : TypedResults.Ok((await ReadAsync(db, [row], cancellationToken))[0]);
    }

    private static async Task<Results<Created<MaintenanceDto>, ProblemHttpResult>> Schedule(string slug, ScheduledMaintenanceInput input, SteadyDb db, ActorAccessor actors, MaintenanceCommands commands, CancellationToken cancellationToken)
    {
        var outcome = await commands.ScheduleAsync(await actors.RequireAsync(cancellationToken), slug, input, cancellationToken);
        if (!outcome.Succeeded)
            return outcome.Failure!.ToProblem();
        return TypedResults.Created($"/api/v1/status-pages/{slug}/maintenances/{outcome.Value!.Id}", (await ReadAsync(db, [outcome.Value], cancellationToken))[0]);
    }

    private static async Task<Results<Ok<MaintenanceDto>, ProblemHttpResult>> UpdateMaintenance(string slug, Guid id, MaintenanceUpdateInput input, SteadyDb db, ActorAccessor actors, MaintenanceCommands commands, CancellationToken cancellationToken)
    {
        var outcome = await commands.PostUpdateAsync(await actors.RequireAsync(cancellationToken), slug, id, input, cancellationToken);
        return outcome.Succeeded ? TypedResults.Ok((await ReadAsync(db, [outcome.Value!], cancellationToken))[0]) : outcome.Failure!.ToProblem();
    }

    private static async Task<Results<Ok<MaintenanceDto>, ProblemHttpResult>> DeleteMaintenance(string slug, Guid id, ActorAccessor actors, MaintenanceCommands commands, CancellationToken cancellationToken)
    {
        var outcome = await commands.DeleteAsync(await actors.RequireAsync(cancellationToken), slug, id, cancellationToken);
        return outcome.Succeeded
            ? TypedResults.Ok(new MaintenanceDto(outcome.Value!.Id, outcome.Value.Title, MaintenanceClock.Wire(outcome.Value.Status), outcome.Value.StartsAt, outcome.Value.EndsAt, outcome.Value.NoticeMinutes,
                outcome.Value.SilenceAlerts, [], outcome.Value.StartedAt, outcome.Value.CompletedAt, outcome.Value.CreatedBy, []))
            : outcome.Failure!.ToProblem();
    }

    /// <summary>Maintenances with their components' names and updates (newest first), for the API and the console.</summary>
    public static async Task<IReadOnlyList<MaintenanceDto>> ReadAsync(SteadyDb db, IReadOnlyList<StatusMaintenance> rows, CancellationToken cancellationToken)
    {
        var ids = rows.Select(m => m.Id).ToList();
        var updates = (await db.Set<StatusMaintenanceUpdate>().AsNoTracking().Where(u => ids.Contains(u.MaintenanceId)).ToListAsync(cancellationToken))
            .OrderByDescending(u => u.At).ThenByDescending(u => u.Id).ToLookup(u => u.MaintenanceId);
        var components = (await (from x in db.Set<StatusMaintenanceComponent>().AsNoTracking()
                                 join c in db.Set<StatusComponent>().AsNoTracking() on x.ComponentId equals c.Id
                                 where ids.Contains(x.MaintenanceId)
                                 orderby c.Position, c.Name
                                 select new { x.MaintenanceId, c.Name }).ToListAsync(cancellationToken)).ToLookup(x => x.MaintenanceId, x => x.Name);
        return rows.Select(m => new MaintenanceDto(m.Id, m.Title, MaintenanceClock.Wire(m.Status), m.StartsAt, m.EndsAt, m.NoticeMinutes, m.SilenceAlerts,
            components[m.Id].ToList(), m.StartedAt, m.CompletedAt, m.CreatedBy,
            updates[m.Id].Select(u => new MaintenanceUpdateDto(u.Id, MaintenanceClock.Wire(u.Status), u.Body, u.At, u.Author)).ToList())).ToList();
    }

    private static async Task<Results<Ok<SubscribersDto>, ProblemHttpResult>> Subscribers(string slug, SteadyDb db, ActorAccessor actors, StatusPageCommands commands, CancellationToken cancellationToken)
    {
        if (!Permissions.CanAdministerOrganization(await actors.RequireAsync(cancellationToken)))
            return Problems.Forbidden("Only organization administrators see subscribers (their addresses are personal data).");
        if (await commands.PageAsync(slug, cancellationToken) is not { } page)
            return Problems.NotFound($"The status page '{slug}'");
        return TypedResults.Ok(await ListSubscribersAsync(db, page, cancellationToken));
    }

    /// <summary>A page's subscribers (failed first, then newest), their counts, and each one's last outcome.</summary>
    public static async Task<SubscribersDto> ListSubscribersAsync(SteadyDb db, PublicStatusPage page, CancellationToken cancellationToken, int take = 5000)
    {
        var all = db.Set<StatusSubscriber>().AsNoTracking().Where(s => s.PageId == page.Id);
        var counts = await all.GroupBy(s => new { s.State, s.Kind }).Select(g => new { g.Key.State, g.Key.Kind, Count = g.Count() }).ToListAsync(cancellationToken);
        var rows = await all.OrderBy(s => s.State == SubscriberState.Failed ? 0 : 1).ThenByDescending(s => s.Id).Take(take).ToListAsync(cancellationToken);
        var ids = rows.Select(s => s.Id).ToList();
        var last = (await db.Set<StatusNotice>().AsNoTracking().Where(n => ids.Contains(n.SubscriberId) && n.Outcome != null)
            .Select(n => new { n.SubscriberId, n.Id, n.Outcome }).ToListAsync(cancellationToken))
            .GroupBy(n => n.SubscriberId).ToDictionary(g => g.Key, g => g.MaxBy(n => n.Id)!.Outcome);
        var names = await db.Set<StatusComponent>().AsNoTracking().Where(c => c.PageId == page.Id).ToDictionaryAsync(c => c.Id, c => c.Name, cancellationToken);
        int Count(Func<SubscriberState?, SubscriberKind?, bool> match) => counts.Where(c => match(c.State, c.Kind)).Sum(c => c.Count);
        return new SubscribersDto(
            new SubscriberCountsDto(Count((s, _) => s == SubscriberState.Active), Count((s, _) => s == SubscriberState.Pending), Count((s, _) => s == SubscriberState.Failed),
                Count((_, k) => k == SubscriberKind.Email), Count((_, k) => k == SubscriberKind.Webhook)),
            rows.Select(s => From(s, names, last.GetValueOrDefault(s.Id))).ToList());
    }

    private static SubscriberDto From(StatusSubscriber s, IReadOnlyDictionary<Guid, string> names, string? outcome) => new(
        s.Id, s.Kind.ToString().ToLowerInvariant(), s.Address, s.State.ToString().ToLowerInvariant(),
        s.ComponentIds()?.Select(id => names.GetValueOrDefault(id, id.ToString())).ToList(), s.CreatedAt, s.CreatedBy, s.ConfirmedAt, s.FailedAt, s.FailedReason, outcome);

    private static async Task<IResult> Export(string slug, SteadyDb db, ActorAccessor actors, StatusPageCommands commands, CancellationToken cancellationToken)
    {
        var actor = await actors.RequireAsync(cancellationToken);
        if (!Permissions.CanAdministerOrganization(actor))
            return Problems.Forbidden("Only organization administrators export subscribers (their addresses are personal data).");
        if (await commands.PageAsync(slug, cancellationToken) is not { } page)
            return Problems.NotFound($"The status page '{slug}'");
        return TypedResults.Text(await SubscribersCsvAsync(db, actor, page, cancellationToken), "text/csv; charset=utf-8");
    }

    /// <summary>The page's subscribers as CSV; the export is an event in the audit log (who and when, never the addresses).</summary>
    public static async Task<string> SubscribersCsvAsync(SteadyDb db, Actor actor, PublicStatusPage page, CancellationToken cancellationToken)
    {
        var list = await ListSubscribersAsync(db, page, cancellationToken, int.MaxValue);
        var csv = new StringBuilder("kind,address,state,components,created_at,confirmed_at,failed_at,failed_reason\n");
        foreach (var s in list.Items)
        {
            csv.AppendJoin(',', Csv(s.Kind), Csv(s.Address), Csv(s.State), Csv(s.Components is null ? "all" : string.Join("; ", s.Components)),
                Csv(Iso(s.CreatedAt)), Csv(Iso(s.ConfirmedAt)), Csv(Iso(s.FailedAt)), Csv(s.FailedReason)).Append('\n');
        }
        db.AuditEvent("subscribers_exported", "public_status_page", page.Id.ToString(), actor.UserId, actor.Name, new Dictionary<string, string?> { ["slug"] = page.Slug, ["count"] = list.Items.Count.ToString(CultureInfo.InvariantCulture) });
        await db.SaveChangesAsync(cancellationToken);
        return csv.ToString();
    }

    private static string Iso(DateTimeOffset? at) => at?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "";

    /// <summary>A CSV field: quoted when it must be, and never read as a formula by a spreadsheet.</summary>
    private static string Csv(string? value)
    {
        var text = value ?? "";
        if (text.Length > 0 && "=+-@\t\r".Contains(text[0]))
            text = "'" + text;
        return text.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
    }

    private static async Task<Results<Created<SubscriberDto>, ProblemHttpResult>> AddSubscriber(string slug, SubscriberInput input, SteadyDb db, ActorAccessor actors, SubscriberCommands commands, CancellationToken cancellationToken)
    {
        var outcome = await commands.AddAsync(await actors.RequireAsync(cancellationToken), slug, input, cancellationToken);
        if (!outcome.Succeeded)
            return outcome.Failure!.ToProblem();
        var s = outcome.Value!;
        var names = await db.Set<StatusComponent>().AsNoTracking().Where(c => c.PageId == s.PageId).ToDictionaryAsync(c => c.Id, c => c.Name, cancellationToken);
        return TypedResults.Created($"/api/v1/status-pages/{slug}/subscribers/{s.Id}", From(s, names, null));
    }

    private static async Task<Results<Ok<SubscriberDto>, ProblemHttpResult>> RemoveSubscriber(string slug, Guid id, ActorAccessor actors, SubscriberCommands commands, CancellationToken cancellationToken)
    {
        var outcome = await commands.RemoveAsync(await actors.RequireAsync(cancellationToken), slug, id, cancellationToken);
        return outcome.Succeeded ? TypedResults.Ok(From(outcome.Value!, new Dictionary<Guid, string>(), null)) : outcome.Failure!.ToProblem();
    }
}
