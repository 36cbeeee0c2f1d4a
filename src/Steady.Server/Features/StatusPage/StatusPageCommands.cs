using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Steady.Core;
using Steady.Core.Accounts;
using Steady.Core.StatusPage;
using Steady.Server.Data;
using Steady.Server.Infrastructure;

namespace Steady.Server.Features.StatusPage;

/// <summary>
/// Pages, groups and components, and the one place a component's state changes
/// (<see cref="SetState"/>: the open interval of its history closes, a new one opens). Shared by the
/// API, the console and the public updates. Page settings are the organization administrators';
/// component states any responder may set.
/// </summary>
public sealed partial class StatusPageCommands(SteadyDb db, TimeProvider time, StatusPageCache cache, StatusBroadcasts broadcasts, WakeSignal<StatusPageWorker> worker)
{
    /// <summary>Words a page's slug cannot be: they are paths of the default page (/status/subscribe, /status/incidents/…).</summary>
    public static readonly IReadOnlyList<string> ReservedSlugs = ["default", "subscribe", "subscriptions", "incidents", "api", "history.atom", "history.rss"];

    public static bool CanPost(Actor actor) => actor.IsAdmin || actor.Teams.Values.Any(r => r >= TeamRole.Responder);

    public Task<PublicStatusPage?> PageAsync(string? slug, CancellationToken cancellationToken) =>
        string.IsNullOrEmpty(slug) || slug == "default"
            ? db.Set<PublicStatusPage>().FirstOrDefaultAsync(p => p.IsDefault, cancellationToken)
            : db.Set<PublicStatusPage>().FirstOrDefaultAsync(p => p.Slug == slug.ToLowerInvariant(), cancellationToken);

    public async Task<Outcome<PublicStatusPage>> CreatePageAsync(Actor actor, PageInput input, CancellationToken cancellationToken)
    {
        if (!Permissions.CanAdministerOrganization(actor))
            return Failure.Forbidden("Only organization administrators create status pages.");
        var validation = CheckPage(input, creating: true);
        if (validation.ToFailure() is { } invalid)
            return invalid;
        var slug = input.Slug!.Trim().ToLowerInvariant();
        if (await db.Set<PublicStatusPage>().AnyAsync(p => p.Slug == slug, cancellationToken))
            return Failure.Conflict($"There is already a status page '{slug}'.");
        if (await HostTakenAsync(input.HostName, null, cancellationToken) is { } taken)
            return taken;
        var hasDefault = await db.Set<PublicStatusPage>().AnyAsync(p => p.IsDefault, cancellationToken);
        var now = time.GetUtcNow();
        var page = new PublicStatusPage
        {
            Id = Ids.New(time),
            Slug = slug,
            Name = input.Name!.Trim(),
            TimeZone = input.TimeZone?.Trim() ?? "UTC",
            CreatedAt = now,
            ChangedAt = now,
        };
        Apply(page, input);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (hasDefault && input.IsDefault == true)
            await ClearDefaultAsync(cancellationToken);
        page.IsDefault = !hasDefault || input.IsDefault == true;
        db.Add(page);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        cache.Invalidate();
        return page;
    }

    public async Task<Outcome<PublicStatusPage>> ChangePageAsync(Actor actor, string slug, PageInput input, CancellationToken cancellationToken)
    {
        if (!Permissions.CanAdministerOrganization(actor))
            return Failure.Forbidden("Only organization administrators change status pages.");
        var page = await PageAsync(slug, cancellationToken);
        if (page is null)
            return Failure.NotFound($"The status page '{slug}'");
        if (CheckPage(input, creating: false).ToFailure() is { } invalid)
            return invalid;
        if (await HostTakenAsync(input.HostName, page.Id, cancellationToken) is { } taken)
            return taken;
        if (input.Slug is { } newSlug && newSlug.Trim().ToLowerInvariant() != page.Slug)
        {
            newSlug = newSlug.Trim().ToLowerInvariant();
            if (await db.Set<PublicStatusPage>().AnyAsync(p => p.Slug == newSlug, cancellationToken))
                return Failure.Conflict($"There is already a status page '{newSlug}'.");
            page.Slug = newSlug;
        }
        if (input.Name is not null)
            page.Name = input.Name.Trim();
        if (input.TimeZone is not null)
            page.TimeZone = input.TimeZone.Trim();
        Apply(page, input);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (input.IsDefault == true && !page.IsDefault)
        {
            await ClearDefaultAsync(cancellationToken);
            page.IsDefault = true;
        }
        page.ChangedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        cache.Invalidate();
        return page;
    }

    /// <summary>Takes the default away from the page that has it, saved first: the unique index on the default holds between the two writes.</summary>
    private async Task ClearDefaultAsync(CancellationToken cancellationToken)
    {
        foreach (var other in await db.Set<PublicStatusPage>().Where(p => p.IsDefault).ToListAsync(cancellationToken))
        {
            other.IsDefault = false;
            other.ChangedAt = time.GetUtcNow();
        }
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task<Outcome<StatusComponentGroup>> AddGroupAsync(Actor actor, string slug, GroupInput input, CancellationToken cancellationToken)
    {
        if (!Permissions.CanAdministerOrganization(actor))
            return Failure.Forbidden("Only organization administrators change status pages.");
        var page = await PageAsync(slug, cancellationToken);
        if (page is null)
            return Failure.NotFound($"The status page '{slug}'");
        if (new Validation().Name("name", input.Name, 100).ToFailure() is { } invalid)
            return invalid;
        var name = input.Name!.Trim();
        var groups = db.Set<StatusComponentGroup>().Where(g => g.PageId == page.Id);
        if (await groups.AnyAsync(g => g.Name == name, cancellationToken))
            return Failure.Conflict($"The page already has a group '{name}'.");
        var group = new StatusComponentGroup
        {
            Id = Ids.New(time),
            PageId = page.Id,
            Name = name,
            Position = input.Position ?? (await groups.MaxAsync(g => (int?)g.Position, cancellationToken) ?? 0) + 1,
            CreatedAt = time.GetUtcNow(),
        };
        db.Add(group);
        page.ChangedAt = group.CreatedAt;
        await SaveAsync(cancellationToken);
        return group;
    }

    public async Task<Outcome<StatusComponent>> AddComponentAsync(Actor actor, string slug, ComponentInput input, CancellationToken cancellationToken)
    {
        if (!Permissions.CanAdministerOrganization(actor))
            return Failure.Forbidden("Only organization administrators change status pages.");
        var page = await PageAsync(slug, cancellationToken);
        if (page is null)
            return Failure.NotFound($"The status page '{slug}'");
        var validation = new Validation().Name("name", input.Name, 100).Text("description", input.Description, 1000);
        var state = input.State is null ? ComponentState.Operational : StatusNames.ParseState(input.State);
        if (state is null)
            validation.Add("state", $"'state' must be {StatusNames.StateChoices}.");
        var (groupId, serviceId) = await ReferencesAsync(page, input, validation, cancellationToken);
        if (validation.ToFailure() is { } invalid)
            return invalid;
        var name = input.Name!.Trim();
        var components = db.Set<StatusComponent>().Where(c => c.PageId == page.Id);
        if (await components.AnyAsync(c => c.Name == name, cancellationToken))
            return Failure.Conflict($"The page already has a component '{name}'.");
        var now = time.GetUtcNow();
        var component = new StatusComponent
        {
            Id = Ids.New(time),
            PageId = page.Id,
            GroupId = groupId,
            Name = name,
            Description = Blank(input.Description),
            ServiceId = serviceId,
            Position = input.Position ?? (await components.MaxAsync(c => (int?)c.Position, cancellationToken) ?? 0) + 1,
            State = state!.Value,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Add(component);
        db.Add(new ComponentStateInterval { Id = Ids.New(time), ComponentId = component.Id, State = component.State, StartedAt = now });
        page.ChangedAt = now;
        await SaveAsync(cancellationToken);
        return component;
    }

    /// <summary>Changes a component's settings and, when <c>state</c> is given, its state.</summary>
    public async Task<Outcome<StatusComponent>> ChangeComponentAsync(Actor actor, string slug, string componentRef, ComponentInput input, CancellationToken cancellationToken)
    {
        var settings = input.Name is not null || input.Description is not null || input.Group is not null || input.Service is not null || input.Position is not null;
        if (settings ? !Permissions.CanAdministerOrganization(actor) : !CanPost(actor))
            return Failure.Forbidden(settings ? "Only organization administrators change a component's settings." : "Only responders set a component's state.");
        var page = await PageAsync(slug, cancellationToken);
        if (page is null)
            return Failure.NotFound($"The status page '{slug}'");
        var component = await ComponentAsync(page.Id, componentRef, cancellationToken);
        if (component is null)
            return Failure.NotFound($"The component '{componentRef}'");
        var validation = new Validation().Text("description", input.Description, 1000);
        if (input.Name is not null)
            validation.Name("name", input.Name, 100);
        var state = input.State is null ? null : StatusNames.ParseState(input.State);
        if (input.State is not null && state is null)
            validation.Add("state", $"'state' must be {StatusNames.StateChoices}.");
        var (groupId, serviceId) = await ReferencesAsync(page, input, validation, cancellationToken);
        if (validation.ToFailure() is { } invalid)
            return invalid;
        if (input.Name is not null && input.Name.Trim() != component.Name)
        {
            var name = input.Name.Trim();
            if (await db.Set<StatusComponent>().AnyAsync(c => c.PageId == page.Id && c.Name == name, cancellationToken))
                return Failure.Conflict($"The page already has a component '{name}'.");
            component.Name = name;
        }
        if (input.Description is not null)
            component.Description = Blank(input.Description);
        if (input.Group is not null)
            component.GroupId = groupId;
        if (input.Service is not null)
            component.ServiceId = serviceId;
        if (input.Position is { } position)
            component.Position = position;
        var now = time.GetUtcNow();
        if (state is { } to)
        {
            var from = component.State;
            await SetStateAsync(component, to, now, cancellationToken);
            await broadcasts.ComponentAsync(page, component, from, to, webhookOnly: false, cancellationToken);
        }
        component.UpdatedAt = now;
        page.ChangedAt = now;
        await SaveAsync(cancellationToken);
        return component;
    }

    /// <summary>The one home of a state change: closes the open interval, opens the next. The caller saves (and bumps the page).</summary>
    public async Task SetStateAsync(StatusComponent component, ComponentState to, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (component.State == to)
            return;
        // The open interval may be one this unit of work added (a maintenance that starts and completes in one step).
        var open = db.Set<ComponentStateInterval>().Local.FirstOrDefault(i => i.ComponentId == component.Id && i.EndedAt == null)
            ?? await db.Set<ComponentStateInterval>().FirstOrDefaultAsync(i => i.ComponentId == component.Id && i.EndedAt == null, cancellationToken);
        if (open is not null)
            open.EndedAt = now;
        db.Add(new ComponentStateInterval { Id = Ids.New(time), ComponentId = component.Id, State = to, StartedAt = now });
        component.State = to;
        component.UpdatedAt = now;
    }

    public Task<StatusComponent?> ComponentAsync(Guid pageId, string componentRef, CancellationToken cancellationToken)
    {
        if (Guid.TryParse(componentRef, out var id))
            return db.Set<StatusComponent>().FirstOrDefaultAsync(c => c.PageId == pageId && c.Id == id, cancellationToken);
        var name = componentRef.Trim();
        return db.Set<StatusComponent>().FirstOrDefaultAsync(c => c.PageId == pageId && c.Name == name, cancellationToken);
    }

    /// <summary>Saves, then tells this node's cache (the other nodes see the page's ChangedAt move) and the worker (subscribers to tell, maintenance to watch).</summary>
    public async Task SaveAsync(CancellationToken cancellationToken)
    {
        await db.SaveChangesAsync(cancellationToken);
        cache.Invalidate();
        worker.Wake();
    }

    /// <summary>For changes another command saves (an incident's public update): drop this node's readings and wake the worker once they are written.</summary>
    public void InvalidateOnSave()
    {
        void Saved(object? sender, Microsoft.EntityFrameworkCore.SavedChangesEventArgs e)
        {
            db.SavedChanges -= Saved;
            cache.Invalidate();
            worker.Wake();
        }
        db.SavedChanges += Saved;
    }

    private async Task<(Guid? Group, Guid? Service)> ReferencesAsync(PublicStatusPage page, ComponentInput input, Validation validation, CancellationToken cancellationToken)
    {
        Guid? groupId = null, serviceId = null;
        if (!string.IsNullOrWhiteSpace(input.Group))
        {
            var name = input.Group.Trim();
            groupId = await db.Set<StatusComponentGroup>().Where(g => g.PageId == page.Id && g.Name == name).Select(g => (Guid?)g.Id).FirstOrDefaultAsync(cancellationToken);
            if (groupId is null)
                validation.Add("group", $"The page has no group '{name}'; create it first.");
        }
        if (!string.IsNullOrWhiteSpace(input.Service))
        {
            serviceId = (await db.ServiceAsync(input.Service, cancellationToken))?.Id;
            if (serviceId is null)
                validation.Add("service", $"There is no service '{input.Service}'.");
        }
        return (groupId, serviceId);
    }

    internal static Validation CheckPage(PageInput input, bool creating)
    {
        var validation = new Validation();
        if (creating || input.Name is not null)
            validation.Name("name", input.Name, 100);
        if (creating && string.IsNullOrWhiteSpace(input.Slug))
            validation.Add("slug", "'slug' is required: the page's path, /status/{slug}.");
        else if (input.Slug is not null && !SlugPattern().IsMatch(input.Slug.Trim().ToLowerInvariant()))
            validation.Add("slug", "'slug' must be 1 to 63 lower-case letters, digits and dashes, starting with a letter or digit.");
        else if (input.Slug is not null && ReservedSlugs.Contains(input.Slug.Trim().ToLowerInvariant()))
            validation.Add("slug", $"'slug' cannot be '{input.Slug.Trim()}': {string.Join(", ", ReservedSlugs)} are paths of the default page.");
        if (Blank(input.HostName) is { } host && !HostPattern().IsMatch(host.ToLowerInvariant()))
            validation.Add("hostName", "'hostName' must be a host name such as status.example.com (no scheme, port or path).");
        if (input.TimeZone is not null)
            validation.TimeZone("timeZone", input.TimeZone);
        validation.Text("description", input.Description, 1000).Url("logoUrl", Blank(input.LogoUrl)).Url("homeUrl", Blank(input.HomeUrl));
        return validation;
    }

    private static void Apply(PublicStatusPage page, PageInput input)
    {
        if (input.Private is { } isPrivate)
            page.IsPrivate = isPrivate;
        if (input.HostName is not null)
            page.HostName = Blank(input.HostName)?.ToLowerInvariant();
        if (input.Description is not null)
            page.Description = Blank(input.Description);
        if (input.LogoUrl is not null)
            page.LogoUrl = Blank(input.LogoUrl);
        if (input.HomeUrl is not null)
            page.HomeUrl = Blank(input.HomeUrl);
    }

    internal static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>Another page already on that host name: a conflict.</summary>
    private async Task<Failure?> HostTakenAsync(string? hostName, Guid? self, CancellationToken cancellationToken)
    {
        var host = Blank(hostName)?.ToLowerInvariant();
        if (host is null)
            return null;
        var other = await db.Set<PublicStatusPage>().AsNoTracking().Where(p => p.HostName == host && p.Id != self).Select(p => p.Slug).FirstOrDefaultAsync(cancellationToken);
        return other is null ? null : Failure.Conflict($"The status page '{other}' is already served on {host}.");
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$")]
    private static partial Regex SlugPattern();

    [GeneratedRegex(@"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$")]
    private static partial Regex HostPattern();
}
