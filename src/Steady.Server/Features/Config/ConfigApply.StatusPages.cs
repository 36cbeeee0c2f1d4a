using Microsoft.EntityFrameworkCore;
using Steady.Core;
using Steady.Core.Services;
using Steady.Core.StatusPage;
using Steady.Server.Features.StatusPage;

namespace Steady.Server.Features.Config;

/// <summary>
/// Status pages: settings checked as the API checks them (<see cref="StatusPageCommands.CheckPage"/>), groups and
/// components in the file's order, components linked to services by name. A new component starts operational
/// with its history's first interval; states are people's to set, not the file's.
/// </summary>
public sealed partial class ConfigApply
{
    private readonly Dictionary<string, PublicStatusPage> _pages = new(StringComparer.Ordinal);
    private List<StatusComponentGroup> _groups = [];
    private List<StatusComponent> _components = [];

    private async Task LoadStatusPagesAsync(CancellationToken cancellationToken)
    {
        foreach (var page in await db.Set<PublicStatusPage>().ToListAsync(cancellationToken))
            _pages[page.Slug] = page;
        _groups = await db.Set<StatusComponentGroup>().ToListAsync(cancellationToken);
        _components = await db.Set<StatusComponent>().ToListAsync(cancellationToken);
    }

    private void ApplyStatusPage(ConfigDocument d, StatusPageDocument doc)
    {
        var slug = doc.Slug?.Trim().ToLowerInvariant();
        var existing = slug is null ? null : _pages.GetValueOrDefault(slug);
        var input = new PageInput(doc.Name, doc.Slug, doc.Description, doc.LogoUrl, doc.HomeUrl, doc.TimeZone, doc.Default, doc.Private, doc.HostName);
        var v = StatusPageCommands.CheckPage(input, creating: existing is null);
        var host = StatusPageCommands.Blank(doc.HostName)?.ToLowerInvariant();
        if (host is not null && _pages.Values.FirstOrDefault(p => p.HostName == host && p.Slug != slug) is { } other)
            v.Add("host_name", $"the status page '{other.Slug}' is already served on {host}.");
        var isDefault = existing?.IsDefault ?? !_pages.Values.Any(p => p.IsDefault);
        if (doc.Default == true && !isDefault)
            v.Add("default", $"the default page is '{_pages.Values.First(p => p.IsDefault).Slug}'; move the default with the API (PATCH isDefault) or 'steady status page default'.");
        var names = (doc.Components ?? []).Concat((doc.Groups ?? []).SelectMany(g => g.Components ?? [])).Select(c => c.Name?.Trim()).OfType<string>().ToList();
        foreach (var twice in names.GroupBy(n => n, StringComparer.Ordinal).Where(g => g.Count() > 1))
            v.Add("components", $"the component '{twice.Key}' is listed twice.");
        foreach (var twice in (doc.Groups ?? []).Select(g => g.Name?.Trim()).OfType<string>().GroupBy(n => n, StringComparer.Ordinal).Where(g => g.Count() > 1))
            v.Add("groups", $"the group '{twice.Key}' is listed twice.");
        foreach (var missing in (doc.Components ?? []).Concat((doc.Groups ?? []).SelectMany(g => g.Components ?? []))
                     .Where(c => !string.IsNullOrWhiteSpace(c.Service) && !_services.ContainsKey(c.Service.Trim())).Select(c => c.Service!.Trim()).Distinct())
            v.Add("components", $"there is no service '{missing}'.");
        Check(d, v);
        if (!v.IsValid)
            return;
        var page = existing;
        if (page is null)
        {
            page = new PublicStatusPage { Id = Ids.New(time), Slug = slug!, Name = doc.Name!.Trim(), TimeZone = doc.TimeZone?.Trim() ?? "UTC", IsDefault = isDefault, CreatedAt = _now, ChangedAt = _now };
            db.Add(page);
            _pages[page.Slug] = page;
        }
        if (doc.Name is not null)
            page.Name = doc.Name.Trim();
        if (doc.TimeZone is not null)
            page.TimeZone = doc.TimeZone.Trim();
        if (doc.Description is not null)
            page.Description = Blank(doc.Description);
        if (doc.LogoUrl is not null)
            page.LogoUrl = Blank(doc.LogoUrl);
        if (doc.HomeUrl is not null)
            page.HomeUrl = Blank(doc.HomeUrl);
        if (doc.Private is { } isPrivate)
            page.IsPrivate = isPrivate;
        if (doc.HostName is not null)
            page.HostName = host;

        var touched = new List<object>();
        var position = 0;
        for (var gi = 0; gi < (doc.Groups?.Count ?? 0); gi++)
        {
            var g = doc.Groups![gi];
            var gv = new Validation().Name($"groups[{gi}].name", g.Name, 100);
            Check(d, gv);
            if (!gv.IsValid)
                continue;
            var group = _groups.FirstOrDefault(x => x.PageId == page.Id && x.Name == g.Name!.Trim());
            if (group is null)
            {
                group = new StatusComponentGroup { Id = Ids.New(time), PageId = page.Id, Name = g.Name!.Trim(), CreatedAt = _now };
                db.Add(group);
                _groups.Add(group);
            }
            group.Position = gi + 1;
            touched.Add(group);
            for (var ci = 0; ci < (g.Components?.Count ?? 0); ci++)
                ApplyComponent(d, $"groups[{gi}].components[{ci}]", page, group.Id, g.Components![ci], ++position, touched);
        }
        for (var ci = 0; ci < (doc.Components?.Count ?? 0); ci++)
            ApplyComponent(d, $"components[{ci}]", page, null, doc.Components![ci], ++position, touched);
        Track(d, page, touched);
    }

    private void ApplyComponent(ConfigDocument d, string path, PublicStatusPage page, Guid? groupId, StatusComponentDocument doc, int position, List<object> touched)
    {
        var v = new Validation().Name($"{path}.name", doc.Name, 100).Text($"{path}.description", doc.Description, 1000);
        var service = string.IsNullOrWhiteSpace(doc.Service) ? null : _services.GetValueOrDefault(doc.Service.Trim()); // a missing one is refused with the page
        Check(d, v);
        if (!v.IsValid)
            return;
        var component = _components.FirstOrDefault(c => c.PageId == page.Id && c.Name == doc.Name!.Trim());
        if (component is null)
        {
            component = new StatusComponent { Id = Ids.New(time), PageId = page.Id, Name = doc.Name!.Trim(), State = ComponentState.Operational, CreatedAt = _now, UpdatedAt = _now };
            db.Add(component);
            _components.Add(component);
            var interval = new ComponentStateInterval { Id = Ids.New(time), ComponentId = component.Id, State = ComponentState.Operational, StartedAt = _now };
            db.Add(interval);
            touched.Add(interval);
        }
        component.GroupId = groupId;
        component.Position = position;
        if (doc.Description is not null)
            component.Description = Blank(doc.Description);
        if (doc.Service is not null)
            component.ServiceId = service?.Id;
        touched.Add(component);
    }
}
