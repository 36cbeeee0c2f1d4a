using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Steady.Core;
using Steady.Core.Accounts;
using Steady.Core.OnCall;
using Steady.Core.Services;
using Steady.Server.Data;
using Steady.Server.Infrastructure;
using Steady.Server.Features.OnCall;
using Steady.Core.StatusPage;

namespace Steady.Server.Features.Config;

/// <summary>What applying did (or, in a dry run, would do) to one document's object.</summary>
public sealed record ConfigChange(int Document, string Kind, string Name, string Action, IReadOnlyList<string> Fields);

public sealed record ApplyResultDto(bool DryRun, int Created, int Updated, int Unchanged, IReadOnlyList<ConfigChange> Changes);

/// <summary>
/// Applies configuration documents in one unit of work: loads what exists, changes it in memory
/// document by document (names resolve to objects created earlier in the same file), refuses the
/// whole file naming every document and field that is wrong or not the caller's to change, and
/// saves everything in one SaveChanges — one transaction, audited — or nothing. Objects are known by
/// name (users by email); an absent field leaves what is stored alone; a list that is given
/// (members, contact methods, rules, layers, steps) is the whole list. Nothing is deleted that the
/// file does not mention. This file is the orchestrator (load, dependency order, permissions, what
/// changed, save); each kind of document has its own file: ConfigApply.Teams, .Users, .Schedules,
/// .Policies, .Services, .StatusPages; what one team's documents may name of another's is in ConfigApply.Boundaries.
/// </summary>
public sealed partial class ConfigApply(SteadyDb db, OutboundPolicy outbound, TimeProvider time)
{
    private readonly Validation _v = new();
    private readonly Dictionary<ConfigDocument, List<object>> _touched = [];
    private readonly Dictionary<ConfigDocument, object> _subject = [];
    private readonly Dictionary<string, Team> _teams = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, User> _users = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Schedule> _schedules = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, EscalationPolicyRecord> _policies = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Service> _services = new(StringComparer.OrdinalIgnoreCase);
    private List<Membership> _memberships = [];
    private List<ContactMethod> _methods = [];
    private List<NotificationRule> _rules = [];
    private DateTimeOffset _now;

    public async Task<Outcome<ApplyResultDto>> ApplyAsync(Actor actor, IReadOnlyList<ConfigDocument> documents, bool dryRun, CancellationToken cancellationToken)
    {
        _now = time.GetUtcNow();
        foreach (var duplicate in documents.Where(d => !string.IsNullOrWhiteSpace(d.Name)).GroupBy(d => (d.Kind, d.Name!.Trim().ToLowerInvariant())).Where(g => g.Count() > 1))
            _v.Add($"documents[{duplicate.Last().Index}]", $"{duplicate.Last().Label}: the file already has this {duplicate.Key.Kind} (document {duplicate.First().Index}).");
        if (_v.ToFailure() is { } duplicated)
            return duplicated;

        foreach (var team in await db.Teams.ToListAsync(cancellationToken))
            _teams[team.Name] = team;
        foreach (var user in await db.Users.ToListAsync(cancellationToken))
            _users[user.Email] = user;
        foreach (var schedule in await db.Schedules.ToListAsync(cancellationToken))
            _schedules[schedule.Name] = schedule;
        foreach (var policy in await db.EscalationPolicies.ToListAsync(cancellationToken))
            _policies[policy.Name] = policy;
        foreach (var service in await db.Services.ToListAsync(cancellationToken))
            _services[service.Name] = service;
        _memberships = await db.Memberships.ToListAsync(cancellationToken);
        _methods = await db.ContactMethods.ToListAsync(cancellationToken);
        _rules = await db.NotificationRules.ToListAsync(cancellationToken);
        if (documents.Any(d => d.Kind == ConfigKinds.StatusPage))
            await LoadStatusPagesAsync(cancellationToken);

        // In dependency order, whatever the order of the file: teams, people, members, schedules, policies, services, status pages.
        var byKind = documents.ToLookup(d => d.Kind);
        foreach (var d in byKind[ConfigKinds.Team])
            ApplyTeam(d, (TeamDocument)d.Body);
        foreach (var d in byKind[ConfigKinds.User])
            ApplyUser(actor, d, (UserDocument)d.Body);
        foreach (var d in byKind[ConfigKinds.Team])
            ApplyMembers(d, (TeamDocument)d.Body);
        foreach (var d in byKind[ConfigKinds.Schedule])
            ApplySchedule(d, (ScheduleDocument)d.Body);
        foreach (var d in byKind[ConfigKinds.EscalationPolicy])
            await ApplyPolicyAsync(d, (PolicyDocument)d.Body, cancellationToken);
        foreach (var d in byKind[ConfigKinds.Service])
            ApplyService(d, (ServiceDocument)d.Body);
        foreach (var d in byKind[ConfigKinds.StatusPage])
            ApplyStatusPage(d, (StatusPageDocument)d.Body);
        if (_v.ToFailure() is { } invalid)
            return invalid;

        db.ChangeTracker.DetectChanges();
        var changes = new List<ConfigChange>();
        var refused = new Validation();
        foreach (var d in documents.OrderBy(d => d.Index))
        {
            var subject = _subject[d];
            var created = db.Entry(subject).State == EntityState.Added;
            var fields = created ? [] : _touched[d].SelectMany(Changed).Distinct().ToList();
            var action = created ? "created" : fields.Count > 0 ? "updated" : "unchanged";
            if (action != "unchanged" && (Forbidden(actor, d, subject, created) ?? Crossing(actor, subject, created)) is { } why)
                refused.Add($"documents[{d.Index}]", $"{d.Label}: {why}");
            if (action == "updated" && subject is Schedule s)
                s.Version++;
            if (action == "updated" && subject is EscalationPolicyRecord p)
                p.Version++;
            if (action != "unchanged" && subject is PublicStatusPage page)
                page.ChangedAt = _now; // every node sees its page change
            changes.Add(new ConfigChange(d.Index, d.Kind, d.Name!.Trim(), action, fields));
        }
        if (refused.ToFailure() is { } forbidden)
            return Failure.Forbidden(forbidden.Detail) with { Errors = forbidden.Errors };
        if (!dryRun)
        {
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateConcurrencyException)
            {
                return Failure.Conflict("Something in the file was changed by someone else meanwhile; apply it again.");
            }
            catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
            {
                return Failure.Conflict("An object with one of these names was created meanwhile; apply the file again.");
            }
        }
        return new ApplyResultDto(dryRun, changes.Count(c => c.Action == "created"), changes.Count(c => c.Action == "updated"), changes.Count(c => c.Action == "unchanged"), changes);
    }

    /// <summary>Who may change what: the same rules as the API's commands, checked only for objects that change.</summary>
    private string? Forbidden(Actor actor, ConfigDocument d, object subject, bool created) => subject switch
    {
        Team when created && !Permissions.CanAdministerOrganization(actor) => "only organization administrators can create teams.",
        Team t when !created && !Permissions.CanManageTeam(actor, t.Id) => $"only admins of {t.Name} can change it or its members.",
        User when created && !Permissions.CanAdministerOrganization(actor) => "only organization administrators can add users.",
        User u when !Permissions.CanEditUser(actor, u.Id) => "you can change only your own profile and contact methods.",
        User u when !actor.IsAdmin && db.Entry(u).Property(x => x.IsAdmin).IsModified => "only organization administrators can grant administration.",
        Schedule s when !Permissions.CanManageTeam(actor, s.TeamId) => "only admins of the schedule's team can change it.",
        EscalationPolicyRecord p when !Permissions.CanManageTeam(actor, p.TeamId) => "only admins of the policy's team can change it.",
        PublicStatusPage => Permissions.CanAdministerOrganization(actor) ? null : "only organization administrators shape status pages.",
        Service s when !Permissions.CanManageServicesOf(actor, s.TeamId)
            || (db.Entry(s).Property(x => x.TeamId).IsModified && !Permissions.CanManageServicesOf(actor, (Guid)db.Entry(s).Property(x => x.TeamId).OriginalValue!))
            => "only admins of the owning team can change this service.",
        _ => null,
    };

    /// <summary>The fields of an entity that this apply changed (added or removed entities count as their kind).</summary>
    private IEnumerable<string> Changed(object entity)
    {
        var entry = db.Entry(entity);
        var kind = DescribeKind(entity);
        switch (entry.State)
        {
            case EntityState.Added:
                yield return kind;
                break;
            case EntityState.Deleted:
                yield return kind;
                break;
            case EntityState.Modified:
                foreach (var p in entry.Properties.Where(p => p.IsModified && !Equals(p.OriginalValue, p.CurrentValue)))
                    yield return entity is Team or User or Schedule or EscalationPolicyRecord or Service or PublicStatusPage ? SnakeCase(p.Metadata.Name) : kind;
                break;
        }
    }

    private static string DescribeKind(object entity) => entity switch
    {
        Membership => "members",
        ContactMethod => "contact_methods",
        NotificationRule => "rules",
        ScheduleOverrideRow => "overrides",
        IntegrationKey => "integration_keys",
        StatusComponentGroup => "groups",
        StatusComponent or ComponentStateInterval => "components",
        _ => "fields",
    };

    private static string SnakeCase(string name) => name switch
    {
        "Layers" => "layers",
        "Steps" => "escalation_chain",
        "EscalationPolicyId" => "escalation_policy",
        "TeamId" => "team",
        "IsAdmin" => "admin",
        "GroupWindowSeconds" => "group_window",
        "FlapWindowSeconds" => "flap_window",
        "IsPrivate" => "private",
        "IsDefault" => "default",
        _ => JsonNamingPolicy.SnakeCaseLower.ConvertName(name),
    };

    private void Track(ConfigDocument d, object subject, params IEnumerable<object> entities)
    {
        _subject[d] = subject;
        if (!_touched.TryGetValue(d, out var list))
            _touched[d] = list = [];
        list.Add(subject);
        list.AddRange(entities);
    }

    private void Error(ConfigDocument d, string field, string message) =>
        _v.Add($"documents[{d.Index}].{field}", $"{d.Label}: {message}");

    /// <summary>Copies the Validation's messages under the document's name.</summary>
    private void Check(ConfigDocument d, Validation v)
    {
        if (v.ToFailure() is { } failure)
            Check(d, failure);
    }

    /// <summary>Copies a command's refusal under the document's name, in the file's words (time_zone, not timeZone).</summary>
    private void Check(ConfigDocument d, Failure failure)
    {
        if (failure.Errors is not { Count: > 0 } errors)
        {
            _v.Add($"documents[{d.Index}]", $"{d.Label}: {failure.Detail}");
            return;
        }
        foreach (var (field, messages) in errors)
        {
            foreach (var message in messages)
                Error(d, FileWords(field), FileWords(message));
        }
    }

    /// <summary>The commands name API fields (timeZone, firstHandoff); a file names them in snake_case.</summary>
    private static string FileWords(string text) => text
        .Replace("timeZone", "time_zone", StringComparison.Ordinal)
        .Replace("firstHandoff", "first_handoff", StringComparison.Ordinal)
        .Replace("shiftHours", "shift_hours", StringComparison.Ordinal)
        .Replace("shiftSeconds", "shift_seconds", StringComparison.Ordinal);

    /// <summary>The owning team: as named (it cannot change for schedules and policies), or the one the object already has.</summary>
    private Team? TeamFor(ConfigDocument d, string? name, Guid? current, string what)
    {
        if (name is null)
        {
            if (current is { } id)
                return _teams.Values.First(t => t.Id == id);
            Error(d, "team", $"'team' is required: the team that owns the {what}.");
            return null;
        }
        var team = FindTeam(d, name, what);
        if (team is not null && current is { } owner && owner != team.Id)
        {
            Error(d, "team", $"a {what}'s team cannot be changed (it belongs to {_teams.Values.First(t => t.Id == owner).Name}).");
            return null;
        }
        return team;
    }

    private Team? FindTeam(ConfigDocument d, string? name, string what)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            Error(d, "team", $"'team' is required: the team that owns the {what}.");
            return null;
        }
        if (_teams.TryGetValue(name.Trim(), out var team))
            return team;
        Error(d, "team", $"there is no team '{name}' (neither stored nor in the file).");
        return null;
    }

    /// <summary>A user by email, or by a name exactly one person has.</summary>
    private User? FindUser(string? reference)
    {
        if (string.IsNullOrWhiteSpace(reference))
            return null;
        if (_users.TryGetValue(Core.Accounts.User.NormalizeEmail(reference), out var user))
            return user;
        var byName = _users.Values.Where(u => string.Equals(u.Name, reference.Trim(), StringComparison.OrdinalIgnoreCase)).Take(2).ToList();
        return byName.Count == 1 ? byName[0] : null;
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
