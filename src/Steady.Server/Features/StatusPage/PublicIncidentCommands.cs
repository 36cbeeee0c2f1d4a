using Microsoft.EntityFrameworkCore;
using Steady.Core;
using Steady.Core.Accounts;
using Steady.Core.Incidents;
using Steady.Core.StatusPage;
using Steady.Server.Data;

namespace Steady.Server.Features.StatusPage;

/// <summary>
/// Public incidents and their updates: an update has a status, a body, and the state it sets each
/// named component to (through <see cref="StatusPageCommands.SetStateAsync"/>). One home for the API,
/// the incident page's form and <c>POST /api/v1/incidents/{n}/updates</c> with <c>visibility: public</c>.
/// Nothing is written unless all of it is valid.
/// </summary>
public sealed class PublicIncidentCommands(SteadyDb db, TimeProvider time, StatusPageCommands pages, StatusBroadcasts broadcasts)
{
    public const int MaxBody = 5000;

    public async Task<Outcome<PublicIncident>> CreateAsync(Actor actor, string slug, PublicIncidentInput input, CancellationToken cancellationToken)
    {
        if (!StatusPageCommands.CanPost(actor))
            return Failure.Forbidden("Only responders post to the status page.");
        var page = await pages.PageAsync(slug, cancellationToken);
        if (page is null)
            return Failure.NotFound($"The status page '{slug}'");
        var validation = new Validation().Name("title", input.Title, 200);
        Incident? incident = null;
        if (input.Incident is { } number)
        {
            incident = await db.Incidents.FirstOrDefaultAsync(i => i.Number == number, cancellationToken);
            if (incident is null)
                validation.Add("incident", $"There is no incident #{number}.");
            else if (await db.Set<PublicIncident>().AnyAsync(p => p.PageId == page.Id && p.IncidentId == incident.Id, cancellationToken))
                return Failure.Conflict($"Incident #{number} is already on this page; post an update to it instead.");
        }
        var now = time.GetUtcNow();
        var publicIncident = new PublicIncident { Id = Ids.New(time), PageId = page.Id, IncidentId = incident?.Id, Title = input.Title?.Trim() ?? "", Impact = "none", CreatedAt = now, UpdatedAt = now };
        var staged = await StageAsync(page, publicIncident, new PublicUpdateInput(input.Status, input.Body, input.Components), [], actor.Name, now, validation, cancellationToken);
        if (!staged.Succeeded)
            return staged.Failure!;
        db.Add(publicIncident);
        await pages.SaveAsync(cancellationToken);
        return publicIncident;
    }

    public async Task<Outcome<PublicIncidentUpdate>> PostUpdateAsync(Actor actor, string slug, Guid id, PublicUpdateInput input, CancellationToken cancellationToken)
    {
        if (!StatusPageCommands.CanPost(actor))
            return Failure.Forbidden("Only responders post to the status page.");
        var page = await pages.PageAsync(slug, cancellationToken);
        if (page is null)
            return Failure.NotFound($"The status page '{slug}'");
        var publicIncident = await db.Set<PublicIncident>().FirstOrDefaultAsync(p => p.PageId == page.Id && p.Id == id, cancellationToken);
        if (publicIncident is null)
            return Failure.NotFound("The public incident");
        var staged = await StageAsync(page, publicIncident, input, await PastStatesAsync(publicIncident.Id, cancellationToken), actor.Name, time.GetUtcNow(), new Validation(), cancellationToken);
        if (!staged.Succeeded)
            return staged.Failure!;
        await pages.SaveAsync(cancellationToken);
        return staged;
    }

    /// <summary>
    /// For a public update of a Steady incident (<c>POST /api/v1/incidents/{n}/updates</c> with visibility public, the
    /// incident page's form): stages it on the default page, on the incident's public incident (made on its
    /// first public update, titled as the incident unless <c>publicTitle</c> says otherwise). The status
    /// defaults from the incident's (investigating; monitoring once mitigated; resolved once resolved), the
    /// body from what is known and being done. The caller saves, with its own update, all or nothing.
    /// </summary>
    /// Without a status page there is nowhere to post it: the update stays the incident's public update, as before status pages.
    public async Task<Failure?> StageForIncidentAsync(Actor actor, Incident incident, Incidents.UpdateInput input, IncidentUpdate update, CancellationToken cancellationToken)
    {
        var page = await pages.PageAsync(null, cancellationToken);
        if (page is null)
            return null;
        var now = time.GetUtcNow();
        var publicIncident = await db.Set<PublicIncident>().FirstOrDefaultAsync(p => p.PageId == page.Id && p.IncidentId == incident.Id, cancellationToken);
        var past = publicIncident is null ? [] : await PastStatesAsync(publicIncident.Id, cancellationToken);
        var validation = new Validation().Text("publicTitle", input.PublicTitle, 200);
        if (publicIncident is null)
        {
            publicIncident = new PublicIncident { Id = Ids.New(time), PageId = page.Id, IncidentId = incident.Id, Title = StatusPageCommands.Blank(input.PublicTitle) ?? incident.Title, Impact = "none", CreatedAt = now, UpdatedAt = now };
            db.Add(publicIncident);
        }
        else if (StatusPageCommands.Blank(input.PublicTitle) is { } title)
        {
            publicIncident.Title = title;
        }
        var status = input.PublicStatus ?? incident.Status switch
        {
            IncidentStatus.Resolved or IncidentStatus.Closed => "resolved",
            IncidentStatus.Mitigated => "monitoring",
            _ => "investigating",
        };
        var body = StatusPageCommands.Blank(input.PublicBody) ?? $"{update.Known}\n\n{update.Doing}";
        pages.InvalidateOnSave();
        return (await StageAsync(page, publicIncident, new PublicUpdateInput(status, body, input.Components), past, actor.Name, now, validation, cancellationToken)).Failure;
    }

    /// <summary>
    /// A published postmortem's public summary, as a resolved update of the incident's public incident on the
    /// default page (the caller saves). Nothing when there is no status page, the incident was never on it, or
    /// the same summary was posted already; true when staged.
    /// </summary>
    public async Task<bool> StagePostmortemAsync(Actor actor, Incident incident, string summary, CancellationToken cancellationToken)
    {
        var page = await pages.PageAsync(null, cancellationToken);
        if (page is null)
            return false;
        var publicIncident = await db.Set<PublicIncident>().FirstOrDefaultAsync(p => p.PageId == page.Id && p.IncidentId == incident.Id, cancellationToken);
        if (publicIncident is null)
            return false;
        var body = "Postmortem: " + summary.Trim();
        if (await db.Set<PublicIncidentUpdate>().AnyAsync(u => u.PublicIncidentId == publicIncident.Id && u.Body == body, cancellationToken))
            return false;
        var past = await PastStatesAsync(publicIncident.Id, cancellationToken);
        pages.InvalidateOnSave();
        return (await StageAsync(page, publicIncident, new PublicUpdateInput("resolved", body, null), past, actor.Name, time.GetUtcNow(), new Validation(), cancellationToken)).Succeeded;
    }

    /// <summary>Checks an update and adds it (its status, the components' states, the incident's impact) to the unit of work; writes nothing on failure.</summary>
    private async Task<Outcome<PublicIncidentUpdate>> StageAsync(PublicStatusPage page, PublicIncident publicIncident, PublicUpdateInput input, IReadOnlyList<ComponentState> past, string author, DateTimeOffset now, Validation validation, CancellationToken cancellationToken)
    {
        var status = StatusNames.ParseStatus(input.Status);
        if (status is null)
            validation.Add("status", $"'status' must be {StatusNames.StatusChoices}.");
        if (string.IsNullOrWhiteSpace(input.Body))
            validation.Add("body", "'body' is required: say what the customers see and what is being done, even if it is only 'we are investigating'.");
        validation.Text("body", input.Body, MaxBody);
        var changes = new List<(StatusComponent Component, ComponentState To)>();
        if (input.Components is { Count: > 100 })
            validation.Add("components", "An update may name at most 100 components.");
        foreach (var (reference, stateText) in input.Components ?? new Dictionary<string, string>())
        {
            var component = await pages.ComponentAsync(page.Id, reference, cancellationToken);
            var state = StatusNames.ParseState(stateText);
            if (component is null)
                validation.Add("components", $"The page has no component '{reference}'.");
            if (state is null)
                validation.Add("components", $"The state of '{reference}' must be {StatusNames.StateChoices}.");
            if (component is not null && state is not null)
                changes.Add((component, state.Value));
        }
        if (validation.ToFailure() is { } invalid)
            return invalid;
        var update = new PublicIncidentUpdate { Id = Ids.New(time), PublicIncidentId = publicIncident.Id, Status = status!.Value, Body = input.Body!.Trim(), At = now, Author = author };
        db.Add(update);
        var told = new List<(StatusComponent, ComponentState, ComponentState)>();
        foreach (var (component, to) in changes)
        {
            db.Add(new PublicUpdateComponent { UpdateId = update.Id, ComponentId = component.Id, OldState = component.State, NewState = to });
            told.Add((component, component.State, to));
            await pages.SetStateAsync(component, to, now, cancellationToken);
        }
        publicIncident.Status = update.Status;
        publicIncident.UpdatedAt = now;
        publicIncident.ResolvedAt = update.Status == PublicIncidentStatus.Resolved ? publicIncident.ResolvedAt ?? now : null;
        publicIncident.Impact = Uptime.Impact(past.Concat(changes.Select(c => c.To)));
        page.ChangedAt = now;
        await broadcasts.IncidentUpdateAsync(page, publicIncident, update, told, cancellationToken);
        return update;
    }

    private async Task<IReadOnlyList<ComponentState>> PastStatesAsync(Guid publicIncidentId, CancellationToken cancellationToken) =>
        await (from c in db.Set<PublicUpdateComponent>()
               join u in db.Set<PublicIncidentUpdate>() on c.UpdateId equals u.Id
               where u.PublicIncidentId == publicIncidentId
               select c.NewState).ToListAsync(cancellationToken);
}
