using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using NodaTime;
using NodaTime.Text;
using Steady.Core;
using Steady.Core.Accounts;
using Steady.Core.OnCall;
using Steady.Core.Services;
using Steady.Server.Data;
using Steady.Server.Features.OnCall;

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
/// file does not mention.
/// </summary>
public sealed class ConfigApply(SteadyDb db, TimeProvider time)
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

        // In dependency order, whatever the order of the file: teams, people, members, schedules, policies, services.
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
            ApplyPolicy(d, (PolicyDocument)d.Body);
        foreach (var d in byKind[ConfigKinds.Service])
            ApplyService(d, (ServiceDocument)d.Body);
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
            if (action != "unchanged" && Forbidden(actor, d, subject, created) is { } why)
                refused.Add($"documents[{d.Index}]", $"{d.Label}: {why}");
            if (action == "updated" && subject is Schedule s)
                s.Version++;
            if (action == "updated" && subject is EscalationPolicyRecord p)
                p.Version++;
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
                    yield return entity is Team or User or Schedule or EscalationPolicyRecord or Service ? SnakeCase(p.Metadata.Name) : kind;
                break;
        }
    }

    private static string DescribeKind(object entity) => entity switch
    {
        Membership => "members",
        ContactMethod => "contact_methods",
        NotificationRule => "rules",
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
        if (v.ToFailure()?.Errors is { } errors)
        {
            foreach (var (field, messages) in errors)
            {
                foreach (var message in messages)
                    Error(d, field, message);
            }
        }
    }

    private void ApplyTeam(ConfigDocument d, TeamDocument doc)
    {
        var v = new Validation().PathName("name", doc.Name).Text("description", doc.Description, 2000);
        Check(d, v);
        if (!v.IsValid)
            return;
        var name = doc.Name!.Trim();
        if (!_teams.TryGetValue(name, out var team))
        {
            team = new Team { Id = Ids.New(time), Name = name, CreatedAt = _now };
            db.Teams.Add(team);
            _teams[name] = team;
        }
        if (doc.Description is not null)
            team.Description = Blank(doc.Description);
        Track(d, team);
    }

    private void ApplyMembers(ConfigDocument d, TeamDocument doc)
    {
        if (doc.Members is null || doc.Name is null || !_teams.TryGetValue(doc.Name.Trim(), out var team))
            return;
        var wanted = new Dictionary<Guid, TeamRole>();
        for (var i = 0; i < doc.Members.Count; i++)
        {
            var m = doc.Members[i];
            var user = FindUser(m.User);
            if (user is null)
                Error(d, $"members[{i}].user", $"members[{i}].user: there is no user '{m.User}' (give an email, or a name only one person has).");
            if (!TeamRoles.TryParse(m.Role ?? "", out var role))
                Error(d, $"members[{i}].role", $"members[{i}].role must be viewer, responder or admin; got '{m.Role}'.");
            else if (user is not null && !wanted.TryAdd(user.Id, role))
                Error(d, $"members[{i}].user", $"members[{i}]: {user.Email} is listed twice.");
        }
        var touched = new List<object>();
        foreach (var existing in _memberships.Where(m => m.TeamId == team.Id).ToList())
        {
            if (wanted.Remove(existing.UserId, out var role))
            {
                existing.Role = role;
                touched.Add(existing);
            }
            else
            {
                db.Memberships.Remove(existing);
                _memberships.Remove(existing);
                touched.Add(existing);
            }
        }
        foreach (var (userId, role) in wanted)
        {
            var membership = new Membership { TeamId = team.Id, UserId = userId, Role = role, CreatedAt = _now };
            db.Memberships.Add(membership);
            _memberships.Add(membership);
            touched.Add(membership);
        }
        if (_touched.TryGetValue(d, out var list))
            list.AddRange(touched);
    }

    private void ApplyUser(Actor actor, ConfigDocument d, UserDocument doc)
    {
        var v = new Validation().Email("email", doc.Email);
        var email = doc.Email is null ? "" : Core.Accounts.User.NormalizeEmail(doc.Email);
        _users.TryGetValue(email, out var user);
        if (user is null || doc.Name is not null)
            v.Name("name", doc.Name);
        if (doc.TimeZone is not null)
            v.TimeZone("time_zone", doc.TimeZone);
        Check(d, v);
        if (!v.IsValid)
            return;
        if (user is null)
        {
            user = new User { Id = Ids.New(time), Name = doc.Name!.Trim(), Email = email, TimeZone = doc.TimeZone ?? Users.UserCommands.DefaultTimeZone, CreatedAt = _now };
            db.Users.Add(user);
            _users[email] = user;
        }
        if (doc.Name is not null)
            user.Name = doc.Name.Trim();
        if (doc.TimeZone is not null)
            user.TimeZone = doc.TimeZone;
        if (doc.Admin is { } admin)
        {
            if (!admin && user.IsAdmin && user.Id == actor.UserId)
                Error(d, "admin", "you cannot remove your own administration; ask another administrator.");
            user.IsAdmin = admin;
        }
        var touched = new List<object>();
        if (doc.ContactMethods is { } methods)
            ContactMethods(d, user, methods, touched);
        Track(d, user, touched);
    }

    private void ContactMethods(ConfigDocument d, User user, IReadOnlyList<ContactMethodDocument> methods, List<object> touched)
    {
        var existing = _methods.Where(m => m.UserId == user.Id).ToList();
        var kept = new HashSet<ContactMethod>();
        for (var i = 0; i < methods.Count; i++)
        {
            var doc = methods[i];
            var path = $"contact_methods[{i}]";
            var kind = doc.Kind?.Trim().ToLowerInvariant() ?? "";
            var address = doc.Address?.Trim() ?? "";
            var method = existing.FirstOrDefault(m => m.Kind == kind && string.Equals(m.Address, address, kind == "email" ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal) && !kept.Contains(m));
            var settings = doc.Settings ?? (method?.Settings is { } stored ? JsonSerializer.Deserialize<Dictionary<string, string>>(stored) : null);
            var v = new Validation();
            ContactMethodsApi.Validate(v, doc.Kind, doc.Address, doc.Label, settings);
            if (!v.IsValid)
            {
                foreach (var (field, messages) in v.ToFailure()!.Errors!)
                {
                    foreach (var message in messages)
                        Error(d, $"{path}.{field}", $"{path}: {message}");
                }
                continue;
            }
            if (method is null)
            {
                method = new ContactMethod { Id = Ids.New(time), UserId = user.Id, Kind = kind, Label = kind, Address = address, CreatedAt = _now };
                db.ContactMethods.Add(method);
                _methods.Add(method);
            }
            else if (kept.Contains(method))
            {
                Error(d, path, $"{path}: {kind} {address} is listed twice.");
                continue;
            }
            kept.Add(method);
            method.Address = address;
            if (doc.Label is not null || db.Entry(method).State == EntityState.Added)
                method.Label = string.IsNullOrWhiteSpace(doc.Label) ? kind : doc.Label.Trim();
            if (doc.Settings is not null)
                method.Settings = doc.Settings.Count > 0 ? JsonSerializer.Serialize(new SortedDictionary<string, string>(doc.Settings, StringComparer.Ordinal)) : null;
            touched.Add(method);
            if (doc.Rules is { } rules)
                Rules(d, path, user, method, rules, touched);
        }
        foreach (var gone in existing.Where(m => !kept.Contains(m)))
        {
            foreach (var rule in _rules.Where(r => r.ContactMethodId == gone.Id).ToList())
            {
                db.NotificationRules.Remove(rule);
                _rules.Remove(rule);
                touched.Add(rule);
            }
            db.ContactMethods.Remove(gone);
            _methods.Remove(gone);
            touched.Add(gone);
        }
    }

    private void Rules(ConfigDocument d, string path, User user, ContactMethod method, IReadOnlyList<RuleDocument> rules, List<object> touched)
    {
        var wanted = new List<(int Delay, string Urgency)>();
        for (var i = 0; i < rules.Count; i++)
        {
            var after = rules[i].After is null ? Duration.Zero : Durations.Parse(rules[i].After);
            var urgency = (rules[i].Urgency ?? "any").Trim().ToLowerInvariant();
            if (after is null || after.Value.TotalMinutes > 1440 || after.Value.TotalSeconds % 60 != 0)
                Error(d, $"{path}.rules[{i}].after", $"{path}.rules[{i}].after '{rules[i].After}' must be whole minutes between 0m and 1d, like 2m.");
            if (urgency is not ("high" or "low" or "any"))
                Error(d, $"{path}.rules[{i}].urgency", $"{path}.rules[{i}].urgency must be high, low or any; got '{rules[i].Urgency}'.");
            if (after is not null)
                wanted.Add(((int)after.Value.TotalMinutes, urgency));
        }
        foreach (var existing in _rules.Where(r => r.ContactMethodId == method.Id).ToList())
        {
            if (!wanted.Remove((existing.DelayMinutes, existing.Urgency)))
            {
                db.NotificationRules.Remove(existing);
                _rules.Remove(existing);
                touched.Add(existing);
            }
        }
        foreach (var (delay, urgency) in wanted)
        {
            var rule = new NotificationRule { Id = Ids.New(time), UserId = user.Id, ContactMethodId = method.Id, DelayMinutes = delay, Urgency = urgency, CreatedAt = _now };
            db.NotificationRules.Add(rule);
            _rules.Add(rule);
            touched.Add(rule);
        }
    }

    private void ApplySchedule(ConfigDocument d, ScheduleDocument doc)
    {
        var v = new Validation().PathName("name", doc.Name).Text("description", doc.Description, 2000);
        var existing = doc.Name is null ? null : _schedules.GetValueOrDefault(doc.Name.Trim());
        if (existing is null || doc.TimeZone is not null)
            v.TimeZone("time_zone", doc.TimeZone);
        var team = TeamFor(d, doc.Team, existing?.TeamId, "schedule");
        Check(d, v);
        string? layers = null;
        if (doc.Layers is { } given)
            layers = LayersJson(d, given, doc.TimeZone ?? existing?.TimeZone);
        else if (existing is null)
            layers = "[]";
        if (!_v.IsValid || team is null)
            return;
        var schedule = existing;
        if (schedule is null)
        {
            schedule = new Schedule { Id = Ids.New(time), Name = doc.Name!.Trim(), TeamId = team.Id, TimeZone = doc.TimeZone!, Layers = "[]", CreatedAt = _now };
            db.Schedules.Add(schedule);
            _schedules[schedule.Name] = schedule;
        }
        if (doc.TimeZone is not null)
            schedule.TimeZone = doc.TimeZone;
        if (doc.Description is not null)
            schedule.Description = Blank(doc.Description);
        if (layers is not null)
            schedule.Layers = layers;
        Track(d, schedule);
    }

    /// <summary>The layers as stored (participants by id, handoffs normalized), or null with the problems recorded.</summary>
    private string? LayersJson(ConfigDocument d, IReadOnlyList<LayerDocument> layers, string? zone)
    {
        if (layers.Count > 20)
            Error(d, "layers", "at most 20 layers.");
        var definitions = new List<LayerDefinition>();
        for (var i = 0; i < layers.Count; i++)
        {
            var l = layers[i];
            var participants = new List<Guid>();
            foreach (var (name, j) in (l.Participants ?? []).Select((p, j) => (p, j)))
            {
                if (FindUser(name) is { } user)
                    participants.Add(user.Id);
                else
                    Error(d, $"layers[{i}].participants[{j}]", $"layers[{i}].participants[{j}]: there is no user '{name}' (give an email, or a name only one person has).");
            }
            var definition = new LayerDefinition(
                l.Name?.Trim() ?? "",
                participants,
                NormalizeHandoff(l.FirstHandoff),
                (l.Rotation ?? "weekly").Trim().ToLowerInvariant(),
                l.ShiftHours,
                l.Restrictions?.Select(r => new RestrictionDefinition(r.Start?.Trim() ?? "", r.End?.Trim() ?? "", r.Days?.Select(x => x.Trim().ToLowerInvariant()).ToList())).ToList() is { Count: > 0 } rs ? rs : null);
            var errors = new List<string>();
            if (l.Participants is { Count: > 0 } && participants.Count < l.Participants.Count)
                definition = definition with { Participants = [Guid.Empty] }; // already reported by name
            Layers.Parse(definition, $"layers[{i}]", errors);
            foreach (var error in errors)
                Error(d, $"layers[{i}]", Snake(error));
            definitions.Add(definition);
        }
        return _v.IsValid ? Layers.Write(definitions) : null;
    }

    /// <summary>2026-11-23T09:00 (seconds only when there are some), so the same handoff is always the same text.</summary>
    private static string NormalizeHandoff(string? text)
    {
        var parsed = LocalDateTimePattern.GeneralIso.Parse(text ?? "");
        if (!parsed.Success)
            parsed = LocalDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm").Parse(text ?? "");
        if (!parsed.Success)
            return text ?? "";
        var value = parsed.Value;
        return value.Second == 0 && value.NanosecondOfSecond == 0
            ? LocalDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm").Format(value)
            : LocalDateTimePattern.GeneralIso.Format(value);
    }

    /// <summary>The calculator's messages name API fields (firstHandoff); a file names them in snake_case.</summary>
    private static string Snake(string message) => message
        .Replace("firstHandoff", "first_handoff", StringComparison.Ordinal)
        .Replace("shiftHours", "shift_hours", StringComparison.Ordinal);

    private void ApplyPolicy(ConfigDocument d, PolicyDocument doc)
    {
        var v = new Validation().PathName("name", doc.Name).Text("description", doc.Description, 2000);
        if (doc.Repeat is < 0 or > 9)
            v.Add("repeat", "'repeat' must be between 0 and 9.");
        Check(d, v);
        var existing = doc.Name is null ? null : _policies.GetValueOrDefault(doc.Name.Trim());
        var chain = doc.EscalationChain;
        if (chain is null && existing is null)
            Error(d, "escalation_chain", "'escalation_chain' needs at least one step.");
        var steps = new List<StoredStep>();
        if (chain is not null)
        {
            if (chain.Count is 0 or > 20)
                Error(d, "escalation_chain", "'escalation_chain' needs between 1 and 20 steps.");
            for (var i = 0; i < chain.Count && i < 20; i++)
            {
                var path = $"escalation_chain[{i}]";
                var wait = chain[i].Wait is null ? EscalationPolicy.DefaultWait : Durations.Parse(chain[i].Wait);
                if (wait is null || wait.Value.TotalMinutes < 1 || wait.Value.TotalDays > 1)
                    Error(d, $"{path}.wait", $"{path}.wait '{chain[i].Wait}' must be a duration between 1m and 1d, like 5m.");
                if (chain[i].Notify is not { Count: > 0 } names)
                {
                    Error(d, $"{path}.notify", $"{path}.notify must be a name or a list of names (a schedule, a user's email or name, or team:NAME).");
                    continue;
                }
                var targets = new List<EscalationTarget>();
                foreach (var name in names)
                {
                    if (Target(name) is { } target)
                        targets.Add(target);
                    else
                        Error(d, $"{path}.notify", $"{path}.notify '{name}' is neither a schedule, a user (email or name), nor team:NAME.");
                }
                steps.Add(new StoredStep(targets, (int)(wait ?? Duration.Zero).TotalSeconds));
            }
        }
        // The seed's file names no team: the policy keeps its own, or takes the one whose schedules it pages.
        Team? team;
        if (doc.Team is null && existing is null)
        {
            var teamIds = steps.SelectMany(s => s.Targets).Where(t => t.Kind == TargetKind.Schedule)
                .Select(t => _schedules.Values.First(s => s.Id == t.Id).TeamId).Distinct().ToList();
            team = teamIds.Count == 1 ? _teams.Values.First(t => t.Id == teamIds[0]) : _teams.Count == 1 ? _teams.Values.Single() : null;
            if (team is null && _v.IsValid)
                Error(d, "team", "'team' is required: the team that owns the policy (it pages no single team's schedules to tell from).");
        }
        else
        {
            team = TeamFor(d, doc.Team, existing?.TeamId, "escalation policy");
        }
        if (!_v.IsValid || team is null)
            return;
        var policy = existing;
        if (policy is null)
        {
            policy = new EscalationPolicyRecord { Id = Ids.New(time), Name = doc.Name!.Trim(), TeamId = team.Id, Steps = "[]", CreatedAt = _now };
            db.EscalationPolicies.Add(policy);
            _policies[policy.Name] = policy;
        }
        if (doc.Description is not null)
            policy.Description = Blank(doc.Description);
        if (doc.Repeat is { } repeat)
            policy.Repeat = repeat;
        if (chain is not null)
            policy.Steps = EscalationPolicyRecord.WriteSteps(steps);
        Track(d, policy);
    }

    /// <summary>team:NAME, a schedule by name, a user by email, or a user by a name only one person has — the order PoliciesApi resolves in.</summary>
    private EscalationTarget? Target(string name)
    {
        var trimmed = name.Trim();
        if (trimmed.StartsWith("team:", StringComparison.OrdinalIgnoreCase))
            return _teams.TryGetValue(trimmed[5..].Trim(), out var team) ? new EscalationTarget(TargetKind.TeamRoundRobin, team.Id) : null;
        if (_schedules.TryGetValue(trimmed, out var schedule))
            return new EscalationTarget(TargetKind.Schedule, schedule.Id);
        return FindUser(trimmed) is { } user ? new EscalationTarget(TargetKind.User, user.Id) : null;
    }

    private void ApplyService(ConfigDocument d, ServiceDocument doc)
    {
        var v = new Validation().PathName("name", doc.Name).Text("description", doc.Description, 4000).Url("runbook_url", doc.RunbookUrl);
        var existing = doc.Name is null ? null : _services.GetValueOrDefault(doc.Name.Trim());
        if (doc.GroupBy is { } groupBy && (groupBy.Count > 10 || groupBy.Any(string.IsNullOrWhiteSpace)))
            v.Add("group_by", "'group_by' is at most 10 label names, none empty.");
        var groupWindow = Seconds(v, "group_window", doc.GroupWindow, 0, 86400);
        var flapWindow = Seconds(v, "flap_window", doc.FlapWindow, 60, 86400);
        if (doc.FlapThreshold is < 0 or > 1000)
            v.Add("flap_threshold", "'flap_threshold' must be between 0 (never) and 1000.");
        if (doc.StabilizationChecklist is { } checklist && (checklist.Count > 30 || checklist.Any(step => string.IsNullOrWhiteSpace(step) || step.Length > 500)))
            v.Add("stabilization_checklist", "'stabilization_checklist' is at most 30 steps, none empty, each at most 500 characters.");
        Check(d, v);
        var team = existing is not null && doc.Team is null ? _teams.Values.First(t => t.Id == existing.TeamId) : FindTeam(d, doc.Team, "service");
        EscalationPolicyRecord? policy = null;
        if (!string.IsNullOrEmpty(doc.EscalationPolicy) && !_policies.TryGetValue(doc.EscalationPolicy.Trim(), out policy))
            Error(d, "escalation_policy", $"there is no escalation policy '{doc.EscalationPolicy}'.");
        if (!_v.IsValid || team is null)
            return;
        var service = existing;
        if (service is null)
        {
            service = new Service { Id = Ids.New(time), Name = doc.Name!.Trim(), TeamId = team.Id, CreatedAt = _now };
            db.Services.Add(service);
            _services[service.Name] = service;
        }
        service.TeamId = team.Id;
        if (doc.Description is not null)
            service.Description = Blank(doc.Description);
        if (doc.RunbookUrl is not null)
            service.RunbookUrl = Blank(doc.RunbookUrl);
        if (doc.EscalationPolicy is not null)
            service.EscalationPolicyId = policy?.Id;
        if (doc.GroupBySet)
            service.GroupBy = doc.GroupBy is null ? null : JsonSerializer.Serialize(doc.GroupBy.Select(g => g.Trim()).Distinct());
        if (groupWindow is { } gw)
            service.GroupWindowSeconds = gw;
        if (doc.FlapThreshold is { } threshold)
            service.FlapThreshold = threshold;
        if (flapWindow is { } fw)
            service.FlapWindowSeconds = fw;
        if (doc.StabilizationChecklist is not null && JsonSerializer.Serialize(doc.StabilizationChecklist.Select(step => step.Trim())) is var steps && steps != service.StabilizationChecklist)
            service.StabilizationChecklist = steps;
        Track(d, service);
    }

    private static int? Seconds(Validation v, string field, string? text, int min, int max)
    {
        if (text is null)
            return null;
        var duration = Durations.Parse(text);
        if (duration is null || duration.Value.TotalSeconds < min || duration.Value.TotalSeconds > max)
        {
            v.Add(field, $"'{field}' '{text}' must be a duration between {Durations.Format(Duration.FromSeconds(min))} and {Durations.Format(Duration.FromSeconds(max))}, like 5m.");
            return null;
        }
        return (int)duration.Value.TotalSeconds;
    }

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
