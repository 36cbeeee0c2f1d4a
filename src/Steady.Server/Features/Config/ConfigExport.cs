using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using Steady.Core.Accounts;
using Steady.Core.OnCall;
using Steady.Server.Data;

namespace Steady.Server.Features.Config;

/// <summary>
/// The stored configuration as the documents <see cref="ConfigApply"/> reads: names instead of ids,
/// no timestamps, everything sorted, defaults left out — so exporting, applying the text to an
/// empty server and exporting again gives the same text. Contact methods appear for the people
/// whose contact details the caller may see; their settings (secrets) only when asked for.
/// </summary>
public static class ConfigExport
{
    /// <summary>Status pages by slug, their groups and components in order; component states are not configuration.</summary>
    private static async Task AddStatusPagesAsync(SteadyDb db, IReadOnlyDictionary<Guid, string> serviceName, Action<string, object> add, CancellationToken cancellationToken)
    {
        var pages = await db.Set<Core.StatusPage.PublicStatusPage>().AsNoTracking().OrderBy(p => p.Slug).ToListAsync(cancellationToken);
        var groups = (await db.Set<Core.StatusPage.StatusComponentGroup>().AsNoTracking().ToListAsync(cancellationToken)).OrderBy(g => g.Position).ThenBy(g => g.Name, StringComparer.Ordinal).ToList();
        var components = (await db.Set<Core.StatusPage.StatusComponent>().AsNoTracking().ToListAsync(cancellationToken)).OrderBy(c => c.Position).ThenBy(c => c.Name, StringComparer.Ordinal).ToList();
        StatusComponentDocument Component(Core.StatusPage.StatusComponent c) => new(c.Name, c.Description, c.ServiceId is { } s ? serviceName.GetValueOrDefault(s) : null);
        foreach (var page in pages)
        {
            var pageGroups = groups.Where(g => g.PageId == page.Id).Select(g => new StatusGroupDocument(g.Name, components.Where(c => c.GroupId == g.Id).Select(Component).ToList())).ToList();
            var loose = components.Where(c => c.PageId == page.Id && c.GroupId is null).Select(Component).ToList();
            add(ConfigKinds.StatusPage, new StatusPageDocument(page.Slug, page.Name, page.Description, page.LogoUrl, page.HomeUrl, page.TimeZone,
                page.IsDefault ? true : null, page.IsPrivate ? true : null, page.HostName, pageGroups.Count > 0 ? pageGroups : null, loose.Count > 0 ? loose : null));
        }
    }

    /// <param name="now">Overrides that are over by then are history, not configuration, and are left out.</param>
    private static string Moment(DateTimeOffset at) => NodaTime.Text.InstantPattern.General.Format(Instant.FromDateTimeOffset(at));

    public static async Task<string> ExportAsync(SteadyDb db, Actor actor, bool includeSecrets, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var teams = await db.Teams.AsNoTracking().ToListAsync(cancellationToken);
        var users = await db.Users.AsNoTracking().ToListAsync(cancellationToken);
        var memberships = await db.Memberships.AsNoTracking().ToListAsync(cancellationToken);
        var schedules = await db.Schedules.AsNoTracking().ToListAsync(cancellationToken);
        var policies = await db.EscalationPolicies.AsNoTracking().ToListAsync(cancellationToken);
        var services = await db.Services.AsNoTracking().ToListAsync(cancellationToken);
        var methods = await db.ContactMethods.AsNoTracking().ToListAsync(cancellationToken);
        var rules = await db.NotificationRules.AsNoTracking().ToListAsync(cancellationToken);
        var overrides = (await db.ScheduleOverrides.AsNoTracking().ToListAsync(cancellationToken)).Where(o => o.EndsAt > now).ToList();
        var teamName = teams.ToDictionary(t => t.Id, t => t.Name);
        var email = users.ToDictionary(u => u.Id, u => u.Email);
        var scheduleName = schedules.ToDictionary(s => s.Id, s => s.Name);
        var policyName = policies.ToDictionary(p => p.Id, p => p.Name);

        var documents = new List<ConfigDocument>();
        void Add(string kind, object body) => documents.Add(new ConfigDocument(documents.Count + 1, kind, body));

        foreach (var team in teams.OrderBy(t => t.Name, StringComparer.OrdinalIgnoreCase))
        {
            Add(ConfigKinds.Team, new TeamDocument(team.Name, team.Description,
                memberships.Where(m => m.TeamId == team.Id).Select(m => new MemberDocument(email[m.UserId], m.Role.ToWire()))
                    .OrderBy(m => m.User, StringComparer.Ordinal).ToList()));
        }
        foreach (var user in users.OrderBy(u => u.Email, StringComparer.Ordinal))
        {
            List<ContactMethodDocument>? contact = null;
            if (Permissions.CanEditUser(actor, user.Id))
            {
                contact = methods.Where(m => m.UserId == user.Id).OrderBy(m => m.Kind.ToWire(), StringComparer.Ordinal).ThenBy(m => m.Address, StringComparer.Ordinal).ThenBy(m => m.Id)
                    .Select(m => new ContactMethodDocument(
                        m.Kind.ToWire(),
                        m.Address,
                        m.Label == m.Kind.ToWire() ? null : m.Label,
                        includeSecrets && m.Settings is { } settings ? new Dictionary<string, string>(new SortedDictionary<string, string>(JsonSerializer.Deserialize<Dictionary<string, string>>(settings) ?? [], StringComparer.Ordinal)) : null,
                        rules.Where(r => r.ContactMethodId == m.Id).OrderBy(r => r.DelayMinutes).ThenBy(r => r.Urgency.ToWire(), StringComparer.Ordinal)
                            .Select(r => new RuleDocument(r.DelayMinutes == 0 ? "0m" : Durations.Format(Duration.FromMinutes(r.DelayMinutes)), r.Urgency == RuleUrgency.Any ? null : r.Urgency.ToWire())).ToList() is { Count: > 0 } list ? list : null))
                    .ToList();
            }
            Add(ConfigKinds.User, new UserDocument(user.Name, user.Email, user.TimeZone, user.IsAdmin ? true : null, contact is { Count: > 0 } ? contact : null));
        }
        foreach (var schedule in schedules.OrderBy(s => s.Name, StringComparer.OrdinalIgnoreCase))
        {
            var layers = Layers.Read(schedule.Layers).Select(l => new LayerDocument(
                l.Name,
                l.Participants.Select(p => email.GetValueOrDefault(p, p.ToString())).ToList(),
                l.FirstHandoff,
                l.Rotation,
                l.ShiftHours,
                l.Restrictions is { Count: > 0 } rs ? rs.Select(r => new RestrictionDocument(r.Start, string.IsNullOrEmpty(r.End) ? null : r.End, r.Days is { Count: > 0 } days ? days : null, r.Length)).ToList() : null,
                l.ShiftSeconds,
                l.Starts,
                l.Ends)).ToList();
            var covers = overrides.Where(o => o.ScheduleId == schedule.Id).OrderBy(o => o.StartsAt).ThenBy(o => o.EndsAt).ThenBy(o => email.GetValueOrDefault(o.UserId), StringComparer.Ordinal)
                .Select(o => new OverrideDocument(email.GetValueOrDefault(o.UserId, o.UserId.ToString()), Moment(o.StartsAt), Moment(o.EndsAt))).ToList();
            Add(ConfigKinds.Schedule, new ScheduleDocument(schedule.Name, teamName[schedule.TeamId], schedule.TimeZone, schedule.Description, layers, covers.Count > 0 ? covers : null));
        }
        foreach (var policy in policies.OrderBy(p => p.Name, StringComparer.OrdinalIgnoreCase))
        {
            string Name(EscalationTarget t) => t.Kind switch
            {
                TargetKind.Schedule => scheduleName.GetValueOrDefault(t.Id, t.Id.ToString()),
                TargetKind.User => email.GetValueOrDefault(t.Id, t.Id.ToString()),
                _ => "team:" + teamName.GetValueOrDefault(t.Id, t.Id.ToString()),
            };
            var chain = policy.ReadSteps().Select(s => new ChainStepDocument(s.Targets.Select(Name).ToList(), Durations.Format(Duration.FromSeconds(s.WaitSeconds)))).ToList();
            Add(ConfigKinds.EscalationPolicy, new PolicyDocument(policy.Name, teamName[policy.TeamId], policy.Description, policy.Repeat > 0 ? policy.Repeat : null, chain));
        }
        var defaults = new Core.Services.Service { Name = "" };
        foreach (var service in services.OrderBy(s => s.Name, StringComparer.OrdinalIgnoreCase))
        {
            var document = new ServiceDocument(
                service.Name,
                teamName[service.TeamId],
                service.Description,
                service.RunbookUrl,
                service.EscalationPolicyId is { } p ? policyName[p] : null,
                service.GroupWindowSeconds != defaults.GroupWindowSeconds ? Durations.Format(Duration.FromSeconds(service.GroupWindowSeconds)) : null,
                service.FlapThreshold != defaults.FlapThreshold ? service.FlapThreshold : null,
                service.FlapWindowSeconds != defaults.FlapWindowSeconds ? Durations.Format(Duration.FromSeconds(service.FlapWindowSeconds)) : null,
                service.Checklist() is { Count: > 0 } checklist ? checklist : null);
            // Not set (the sender's grouping) is written as nothing; [] (one group) and labels as they are.
            Add(ConfigKinds.Service, service.GroupByLabels() is { } groupBy ? document with { GroupBy = groupBy } : document);
        }

        await AddStatusPagesAsync(db, services.ToDictionary(s => s.Id, s => s.Name), Add, cancellationToken);

        var header = new List<string> { "Steady configuration. Apply with: steady apply -f FILE (see docs/config-as-code.md)." };
        if (!includeSecrets)
            header.Add("Contact method settings hold secrets and are left out; applying keeps the stored ones.");
        if (!actor.IsAdmin)
            header.Add("Contact methods are listed only for people whose contact details you may see.");
        return ConfigYaml.Write(documents, header);
    }
}
