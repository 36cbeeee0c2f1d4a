using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Steady.Core;
using Steady.Core.StatusPage;
using Steady.Server.Data;
using Steady.Server.Infrastructure;

namespace Steady.Server.Features.StatusPage;

/// <summary>
/// The status pages' API: pages, groups, components (their state and its history), public incidents
/// and their updates. <c>{slug}</c> may be <c>default</c> for the default page. Reading needs a
/// signed-in person; the commands say who may change what.
/// </summary>
public static class StatusPagesApi
{
    public static RouteGroupBuilder MapStatusPagesApi(this RouteGroupBuilder api)
    {
        var pages = api.MapGroup("/status-pages").WithTags("Status pages");
        pages.MapGet("/", List).WithSummary("The status pages");
        pages.MapPost("/", Create).WithSummary("Create a status page (the first is the default, at /status; others at /status/{slug})");
        pages.MapGet("/{slug}", Get).WithSummary("A status page ('default' for the default one)");
        pages.MapPatch("/{slug}", Change).WithSummary("Change a page's name, slug, description, logo, home link, time zone, or make it the default");
        pages.MapGet("/{slug}/groups", Groups).WithSummary("The page's component groups, in order");
        pages.MapPost("/{slug}/groups", AddGroup).WithSummary("Add a component group");
        pages.MapGet("/{slug}/components", Components).WithSummary("The page's components, in order, with their state");
        pages.MapPost("/{slug}/components", AddComponent).WithSummary("Add a component (optionally in a group, linked to a service)");
        pages.MapPatch("/{slug}/components/{component}", ChangeComponent).WithSummary("Set a component's state (responders) or change its settings (administrators)");
        pages.MapGet("/{slug}/components/{component}/history", History).WithSummary("A component's state history as intervals, newest first");
        pages.MapGet("/{slug}/incidents", Incidents).WithSummary("The page's public incidents, newest first, with their updates");
        pages.MapPost("/{slug}/incidents", CreateIncident).WithSummary("Open a public incident (tied to a Steady incident by number, or standing alone) with its first update");
        pages.MapGet("/{slug}/incidents/{id:guid}", Incident).WithSummary("A public incident with its updates");
        pages.MapPost("/{slug}/incidents/{id:guid}/updates", PostUpdate).WithSummary("Post an update: status, body, and the state of each affected component");
        pages.MapStatusPageAdminApi();
        return api;
    }

    private static async Task<Ok<IReadOnlyList<PageDto>>> List(SteadyDb db, CancellationToken cancellationToken) =>
        TypedResults.Ok<IReadOnlyList<PageDto>>((await db.Set<PublicStatusPage>().AsNoTracking().OrderByDescending(p => p.IsDefault).ThenBy(p => p.Slug).ToListAsync(cancellationToken)).Select(PageDto.From).ToList());

    private static async Task<Results<Created<PageDto>, ProblemHttpResult>> Create(PageInput input, ActorAccessor actors, StatusPageCommands commands, CancellationToken cancellationToken)
    {
        var outcome = await commands.CreatePageAsync(await actors.RequireAsync(cancellationToken), input, cancellationToken);
        return outcome.Succeeded ? TypedResults.Created($"/api/v1/status-pages/{outcome.Value!.Slug}", PageDto.From(outcome.Value)) : outcome.Failure!.ToProblem();
    }

    private static async Task<Results<Ok<PageDto>, ProblemHttpResult>> Get(string slug, StatusPageCommands commands, CancellationToken cancellationToken) =>
        await commands.PageAsync(slug, cancellationToken) is { } page ? TypedResults.Ok(PageDto.From(page)) : Problems.NotFound($"The status page '{slug}'");

    private static async Task<Results<Ok<PageDto>, ProblemHttpResult>> Change(string slug, PageInput input, ActorAccessor actors, StatusPageCommands commands, CancellationToken cancellationToken)
    {
        var outcome = await commands.ChangePageAsync(await actors.RequireAsync(cancellationToken), slug, input, cancellationToken);
        return outcome.Succeeded ? TypedResults.Ok(PageDto.From(outcome.Value!)) : outcome.Failure!.ToProblem();
    }

    private static async Task<Results<Ok<IReadOnlyList<GroupDto>>, ProblemHttpResult>> Groups(string slug, SteadyDb db, StatusPageCommands commands, CancellationToken cancellationToken)
    {
        if (await commands.PageAsync(slug, cancellationToken) is not { } page)
            return Problems.NotFound($"The status page '{slug}'");
        var groups = await db.Set<StatusComponentGroup>().AsNoTracking().Where(g => g.PageId == page.Id).OrderBy(g => g.Position).ThenBy(g => g.Name).ToListAsync(cancellationToken);
        return TypedResults.Ok<IReadOnlyList<GroupDto>>(groups.Select(GroupDto.From).ToList());
    }

    private static async Task<Results<Created<GroupDto>, ProblemHttpResult>> AddGroup(string slug, GroupInput input, ActorAccessor actors, StatusPageCommands commands, CancellationToken cancellationToken)
    {
        var outcome = await commands.AddGroupAsync(await actors.RequireAsync(cancellationToken), slug, input, cancellationToken);
        return outcome.Succeeded ? TypedResults.Created($"/api/v1/status-pages/{slug}/groups", GroupDto.From(outcome.Value!)) : outcome.Failure!.ToProblem();
    }

    private static async Task<Results<Ok<IReadOnlyList<ComponentDto>>, ProblemHttpResult>> Components(string slug, SteadyDb db, StatusPageCommands commands, CancellationToken cancellationToken)
    {
        if (await commands.PageAsync(slug, cancellationToken) is not { } page)
            return Problems.NotFound($"The status page '{slug}'");
        var components = await db.Set<StatusComponent>().AsNoTracking().Where(c => c.PageId == page.Id).OrderBy(c => c.Position).ThenBy(c => c.Name).ToListAsync(cancellationToken);
        return TypedResults.Ok<IReadOnlyList<ComponentDto>>(components.Select(ComponentDto.From).ToList());
    }

    private static async Task<Results<Created<ComponentDto>, ProblemHttpResult>> AddComponent(string slug, ComponentInput input, ActorAccessor actors, StatusPageCommands commands, CancellationToken cancellationToken)
    {
        var outcome = await commands.AddComponentAsync(await actors.RequireAsync(cancellationToken), slug, input, cancellationToken);
        return outcome.Succeeded ? TypedResults.Created($"/api/v1/status-pages/{slug}/components/{outcome.Value!.Id}", ComponentDto.From(outcome.Value)) : outcome.Failure!.ToProblem();
    }

    private static async Task<Results<Ok<ComponentDto>, ProblemHttpResult>> ChangeComponent(string slug, string component, ComponentInput input, ActorAccessor actors, StatusPageCommands commands, CancellationToken cancellationToken)
    {
        var outcome = await commands.ChangeComponentAsync(await actors.RequireAsync(cancellationToken), slug, component, input, cancellationToken);
        return outcome.Succeeded ? TypedResults.Ok(ComponentDto.From(outcome.Value!)) : outcome.Failure!.ToProblem();
    }

    private static async Task<Results<Ok<IReadOnlyList<IntervalDto>>, ProblemHttpResult>> History(string slug, string component, SteadyDb db, StatusPageCommands commands, CancellationToken cancellationToken)
    {
        if (await commands.PageAsync(slug, cancellationToken) is not { } page)
            return Problems.NotFound($"The status page '{slug}'");
        if (await commands.ComponentAsync(page.Id, component, cancellationToken) is not { } found)
            return Problems.NotFound($"The component '{component}'");
        var intervals = await db.Set<ComponentStateInterval>().AsNoTracking().Where(i => i.ComponentId == found.Id).OrderByDescending(i => i.StartedAt).ThenByDescending(i => i.Id).Take(1000).ToListAsync(cancellationToken);
        return TypedResults.Ok<IReadOnlyList<IntervalDto>>(intervals.Select(IntervalDto.From).ToList());
    }

    private static async Task<Results<Ok<IReadOnlyList<PublicIncidentDto>>, ProblemHttpResult>> Incidents(string slug, SteadyDb db, StatusPageCommands commands, CancellationToken cancellationToken)
    {
        if (await commands.PageAsync(slug, cancellationToken) is not { } page)
            return Problems.NotFound($"The status page '{slug}'");
        var incidents = await db.Set<PublicIncident>().AsNoTracking().Where(i => i.PageId == page.Id).OrderByDescending(i => i.CreatedAt).Take(200).ToListAsync(cancellationToken);
        return TypedResults.Ok(await PublicIncidentDtos.ReadAsync(db, incidents, cancellationToken));
    }

    private static async Task<Results<Ok<PublicIncidentDto>, ProblemHttpResult>> Incident(string slug, Guid id, SteadyDb db, StatusPageCommands commands, CancellationToken cancellationToken)
    {
        if (await commands.PageAsync(slug, cancellationToken) is not { } page)
            return Problems.NotFound($"The status page '{slug}'");
        var incident = await db.Set<PublicIncident>().AsNoTracking().FirstOrDefaultAsync(i => i.PageId == page.Id && i.Id == id, cancellationToken);
        return incident is null ? Problems.NotFound("The public incident") : TypedResults.Ok((await PublicIncidentDtos.ReadAsync(db, [incident], cancellationToken))[0]);
    }

    private static async Task<Results<Created<PublicIncidentDto>, ProblemHttpResult>> CreateIncident(string slug, PublicIncidentInput input, SteadyDb db, ActorAccessor actors, PublicIncidentCommands commands, CancellationToken cancellationToken)
    {
        var outcome = await commands.CreateAsync(await actors.RequireAsync(cancellationToken), slug, input, cancellationToken);
        if (!outcome.Succeeded)
            return outcome.Failure!.ToProblem();
        return TypedResults.Created($"/api/v1/status-pages/{slug}/incidents/{outcome.Value!.Id}", (await PublicIncidentDtos.ReadAsync(db, [outcome.Value], cancellationToken))[0]);
    }

    private static async Task<Results<Created<PublicIncidentDto>, ProblemHttpResult>> PostUpdate(string slug, Guid id, PublicUpdateInput input, SteadyDb db, ActorAccessor actors, PublicIncidentCommands commands, CancellationToken cancellationToken)
    {
        var outcome = await commands.PostUpdateAsync(await actors.RequireAsync(cancellationToken), slug, id, input, cancellationToken);
        if (!outcome.Succeeded)
            return outcome.Failure!.ToProblem();
        var incident = await db.Set<PublicIncident>().AsNoTracking().FirstAsync(i => i.Id == id, cancellationToken);
        return TypedResults.Created($"/api/v1/status-pages/{slug}/incidents/{id}", (await PublicIncidentDtos.ReadAsync(db, [incident], cancellationToken))[0]);
    }
}

/// <summary>Public incidents with their updates and the components each update set, for the API.</summary>
public static class PublicIncidentDtos
{
    public static async Task<IReadOnlyList<PublicIncidentDto>> ReadAsync(SteadyDb db, IReadOnlyList<PublicIncident> incidents, CancellationToken cancellationToken)
    {
        var ids = incidents.Select(i => i.Id).ToList();
        var updates = await db.Set<PublicIncidentUpdate>().AsNoTracking().Where(u => ids.Contains(u.PublicIncidentId)).OrderByDescending(u => u.At).ThenByDescending(u => u.Id).ToListAsync(cancellationToken);
        var updateIds = updates.Select(u => u.Id).ToList();
        var affected = (await (from a in db.Set<PublicUpdateComponent>().AsNoTracking()
                               join c in db.Set<StatusComponent>().AsNoTracking() on a.ComponentId equals c.Id
                               where updateIds.Contains(a.UpdateId)
                               select new { a.UpdateId, a.ComponentId, c.Name, a.OldState, a.NewState }).ToListAsync(cancellationToken)).ToLookup(a => a.UpdateId);
        var incidentIds = incidents.Where(i => i.IncidentId is not null).Select(i => i.IncidentId!.Value).ToList();
        var numbers = await db.Incidents.AsNoTracking().Where(i => incidentIds.Contains(i.Id)).ToDictionaryAsync(i => i.Id, i => i.Number, cancellationToken);
        return incidents.Select(i => new PublicIncidentDto(i.Id, i.Title, i.IncidentId is { } n ? numbers.GetValueOrDefault(n) : null, StatusNames.Wire(i.Status), i.Impact, i.CreatedAt, i.UpdatedAt, i.ResolvedAt,
            updates.Where(u => u.PublicIncidentId == i.Id).Select(u => new PublicUpdateDto(u.Id, StatusNames.Wire(u.Status), u.Body, u.At, u.Author,
                affected[u.Id].Select(a => new AffectedDto(a.ComponentId, a.Name, StatusNames.Wire(a.OldState), StatusNames.Wire(a.NewState))).ToList())).ToList())).ToList();
    }
}
