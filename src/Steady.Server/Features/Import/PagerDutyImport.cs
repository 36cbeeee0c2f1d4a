using System.Globalization;
using System.Text.Json.Nodes;
using NodaTime;
using NodaTime.Text;
using Steady.Core.OnCall;
using Steady.Server.Features.Config;

namespace Steady.Server.Features.Import;

/// <summary>
/// PagerDuty REST API v2 JSON → Steady's configuration documents, exactly: turns, layer spans, restrictions
/// (daily and weekly, however long), layer precedence (later layers win, as in PagerDuty), overrides, every
/// rule's delay to the minute and the loops. The folder (docs/migrating.md): <c>users.json</c> (with contact
/// methods and notification rules included), <c>schedules.json</c>, <c>overrides/SCHEDULE_ID.json</c>,
/// <c>escalation_policies.json</c>, <c>services.json</c> (with integrations included), optionally <c>teams.json</c>.
/// </summary>
public sealed class PagerDutyImport(ExportFolder folder, ImportPlan plan, Instant now)
{
    public const string DefaultTeam = "PagerDuty";

    private readonly Dictionary<string, string> _emails = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _schedules = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _policies = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _teamNames = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _teams = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<(string Kind, object Body)> _later = [];

    public const string Files = "users.json, teams.json, schedules.json, overrides/SCHEDULE_ID.json, escalation_policies.json, services.json";

    public static bool IsFile(string name) =>
        name is "users.json" or "teams.json" or "schedules.json" or "escalation_policies.json" or "services.json"
        || (name.StartsWith("overrides/", StringComparison.Ordinal) && name.EndsWith(".json", StringComparison.Ordinal) && name.Count(c => c == '/') == 1 && name.Length > "overrides/.json".Length);

    public static ImportPlan Translate(ExportFolder folder, ImportPlan plan, Instant now)
    {
        new PagerDutyImport(folder, plan, now).Run();
        return plan;
    }

    private void Run()
    {
        foreach (var team in folder.List("teams.json", "teams", plan))
        {
            if (team.Text("id") is { } id && team.Text("name") is { } name)
                _teamNames[id] = Names.Safe(plan, "teams.json", id, name);
        }
        var users = Users();
        foreach (var schedule in folder.List("schedules.json", "schedules", plan, required: true))
            Schedule(schedule);
        foreach (var (file, rest) in folder.Under("overrides"))
        {
            var id = rest.EndsWith(".json", StringComparison.Ordinal) ? rest[..^5] : rest;
            if (!_schedules.ContainsKey(id))
                plan.Problem(file, id, "names a schedule that is not in schedules.json.");
        }
        foreach (var policy in folder.List("escalation_policies.json", "escalation_policies", plan, required: true))
            Policy(policy);
        foreach (var service in folder.List("services.json", "services", plan))
            Service(service);
        foreach (var team in _teams)
            plan.Add(ConfigKinds.Team, new TeamDocument(team));
        foreach (var user in users)
            plan.Add(ConfigKinds.User, user);
        foreach (var (kind, body) in _later)
            plan.Add(kind, body);
        if (_teams.Count > 0)
            plan.Note("teams.json", "(members)", "PagerDuty's team membership is not part of this export.", "Add people to their teams in Steady (console, or 'members' in the team's document of --to-yaml).");
    }

    private List<UserDocument> Users()
    {
        const string file = "users.json";
        var documents = new List<UserDocument>();
        foreach (var user in folder.List(file, "users", plan, required: true))
        {
            var id = user.Text("id") ?? "(no id)";
            var email = user.Text("email")?.Trim();
            if (string.IsNullOrEmpty(email))
            {
                plan.Problem(file, $"{id} ({user.Text("name")})", "has no email: Steady knows people by email.");
                continue;
            }
            if (_emails.ContainsValue(email.ToLowerInvariant()))
            {
                plan.Problem(file, id, $"has the email {email} of another user in the export.");
                continue;
            }
            _emails[id] = email.ToLowerInvariant();
            var zone = user.Text("time_zone");
            if (zone is not null && DateTimeZoneProviders.Tzdb.GetZoneOrNull(zone) is null)
            {
                plan.Note(file, id, $"the time zone '{zone}' is not an IANA zone.", "Set the person's zone in Steady.");
                zone = null;
            }
            documents.Add(new UserDocument(user.Text("name") ?? email, email, zone, null, ContactMethods(file, id, user)));
        }
        return documents;
    }

    /// <summary>Email methods with their rules. Phone, SMS and push need what the export cannot give (a provider, an app).</summary>
    private List<ContactMethodDocument>? ContactMethods(string file, string userId, JsonObject user)
    {
        var byId = new Dictionary<string, string?>(StringComparer.Ordinal); // method id → email address, or null when not carried over
        var methods = new SortedDictionary<string, List<RuleDocument>>(StringComparer.OrdinalIgnoreCase);
        foreach (var method in user.Array("contact_methods").OfType<JsonObject>())
        {
            var id = method.Text("id") ?? "";
            var type = method.Text("type") ?? "";
            var address = method.Text("address") ?? "";
            switch (type)
            {
                case "email_contact_method" or "email_contact_method_reference":
                    byId[id] = address.Trim();
                    methods.TryAdd(address.Trim(), []);
                    break;
                case "sms_contact_method" or "phone_contact_method" or "sms_contact_method_reference" or "phone_contact_method_reference":
                    byId[id] = null;
                    plan.Note(file, $"{userId} contact method {id}", $"{(type.StartsWith("sms", StringComparison.Ordinal) ? "SMS" : "voice")} to +{method.Number("country_code")} {address} needs your SMS/voice provider's request template, which PagerDuty does not export.",
                        "Add it as an sms or voice contact method with the provider's template (docs/notifications.md), with its rules.");
                    break;
                case "push_notification_contact_method" or "push_notification_contact_method_reference":
                    byId[id] = null;
                    plan.Note(file, $"{userId} contact method {id}", "PagerDuty's app push cannot be moved.", "Add an ntfy contact method (push to a phone) in Steady.");
                    break;
                default:
                    byId[id] = null;
                    plan.Note(file, $"{userId} contact method {id}", $"Steady has no contact method of PagerDuty's type '{type}'.", "Add the nearest kind of contact method in Steady.");
                    break;
            }
        }
        foreach (var rule in user.Array("notification_rules").OfType<JsonObject>())
        {
            var ruleId = rule.Text("id") ?? "";
            var methodId = rule.Object("contact_method")?.Text("id") ?? "";
            if (!byId.TryGetValue(methodId, out var address))
            {
                plan.Problem(file, $"{userId} notification rule {ruleId}", $"uses the contact method {methodId}, which the user does not have in the export (include[]=contact_methods).");
                continue;
            }
            if (address is null)
                continue; // the method's note says it
            var delay = rule.Number("start_delay_in_minutes") ?? 0;
            if (delay is < 0 or > 1440)
            {
                plan.Problem(file, $"{userId} notification rule {ruleId}", $"waits {delay} minutes; Steady's rules wait between 0 and 1440 minutes.");
                continue;
            }
            var urgency = rule.Text("urgency") ?? "high";
            if (urgency is not ("high" or "low"))
            {
                plan.Problem(file, $"{userId} notification rule {ruleId}", $"has the urgency '{urgency}'; PagerDuty's are high and low.");
                continue;
            }
            var document = new RuleDocument($"{delay}m", urgency);
            if (!methods[address].Contains(document))
                methods[address].Add(document);
        }
        return methods.Count == 0 ? null : methods.Select(m => new ContactMethodDocument("email", m.Key, null, null, m.Value.OrderBy(r => int.Parse(r.After![..^1], CultureInfo.InvariantCulture)).ThenBy(r => r.Urgency, StringComparer.Ordinal).ToList())).ToList();
    }

    private string TeamOf(string file, string id, JsonObject thing)
    {
        var teams = thing.Array("teams").OfType<JsonObject>().ToList();
        if (teams.Count == 0)
        {
            _teams.Add(DefaultTeam);
            return DefaultTeam;
        }
        var first = teams[0];
        var name = first.Text("id") is { } teamId && _teamNames.TryGetValue(teamId, out var known) ? known : Names.Safe(plan, file, id, first.Text("summary") ?? first.Text("name") ?? DefaultTeam);
        if (teams.Count > 1)
            plan.Note(file, id, "belongs to several PagerDuty teams; in Steady one team owns it.", $"It goes to {name}; give the other teams' admins a role there if they manage it.");
        _teams.Add(name);
        return name;
    }

    private void Schedule(JsonObject schedule)
    {
        const string file = "schedules.json";
        var id = schedule.Text("id") ?? "(no id)";
        var name = Names.Safe(plan, file, id, schedule.Text("name") ?? id);
        if (_schedules.ContainsValue(name))
        {
            plan.Problem(file, id, $"has the name '{name}' of another schedule in the export; rename one in PagerDuty or in the export.");
            return;
        }
        _schedules[id] = name;
        var zoneId = schedule.Text("time_zone");
        var zone = zoneId is null ? null : DateTimeZoneProviders.Tzdb.GetZoneOrNull(zoneId);
        if (zone is null)
        {
            plan.Problem(file, id, $"has the time zone '{zoneId}', which is not an IANA zone.");
            return;
        }
        var layers = new List<LayerDocument>();
        var index = 0;
        foreach (var layer in schedule.Array("schedule_layers").OfType<JsonObject>())
        {
            index++;
            var what = $"{id} layer {layer.Text("id") ?? index.ToString(CultureInfo.InvariantCulture)}";
            if (Layer(file, what, layer, zone, index) is { } document)
                layers.Add(document);
        }
        if (layers.Count == 0)
            plan.Note(file, id, "has no layer that is in effect now or later.", "Nothing to do: the schedule is created empty.");
        var overrides = new List<OverrideDocument>();
        var overrideFile = $"overrides/{id}.json";
        foreach (var o in folder.List(overrideFile, "overrides", plan))
        {
            var oid = o.Text("id") ?? "(no id)";
            var user = Person(overrideFile, $"override {oid}", o.Object("user")?.Text("id"));
            var (start, end) = (Moment(overrideFile, $"override {oid}", "start", o.Text("start")), Moment(overrideFile, $"override {oid}", "end", o.Text("end")));
            if (user is null || start is null || end is null || end <= now)
                continue;
            overrides.Add(new OverrideDocument(user, InstantPattern.General.Format(start.Value), InstantPattern.General.Format(end.Value)));
        }
        _later.Add((ConfigKinds.Schedule, new ScheduleDocument(name, TeamOf(file, id, schedule), zoneId, schedule.Text("description") is { Length: > 0 } d ? d : null, layers, overrides.Count > 0 ? overrides : null)));
    }

    private LayerDocument? Layer(string file, string what, JsonObject layer, DateTimeZone zone, int index)
    {
        var start = Moment(file, what, "start", layer.Text("start"));
        var end = layer["end"] is null ? null : Moment(file, what, "end", layer.Text("end"));
        var virtualStart = Moment(file, what, "rotation_virtual_start", layer.Text("rotation_virtual_start"));
        var turn = layer.Number("rotation_turn_length_seconds");
        var participants = new List<string>();
        foreach (var entry in layer.Array("users").OfType<JsonObject>())
        {
            var reference = entry.Object("user") ?? entry;
            if (Person(file, what, reference.Text("id")) is { } email)
                participants.Add(email);
        }
        if (participants.Count == 0)
            plan.Problem(file, what, "has no users.");
        if (turn is null or < Layers.MinShiftSeconds or > Layers.MaxShiftSeconds)
            plan.Problem(file, what, $"has rotation_turn_length_seconds {turn?.ToString(CultureInfo.InvariantCulture) ?? "missing"}; Steady takes turns from {Layers.MinShiftSeconds} seconds to a year.");
        var restrictions = new List<RestrictionDocument>();
        foreach (var r in layer.Array("restrictions").OfType<JsonObject>())
        {
            if (Restriction(file, what, r) is { } restriction)
                restrictions.Add(restriction);
        }
        if (start is null || virtualStart is null || turn is null or < Layers.MinShiftSeconds or > Layers.MaxShiftSeconds || participants.Count == 0)
            return null;
        if (end is { } ended && ended <= now)
        {
            plan.Note(file, what, $"ended at {InstantPattern.General.Format(ended)}.", "Nothing to do: ended layers are history, not carried over.");
            return null;
        }
        var handoff = virtualStart.Value.InZone(zone).LocalDateTime;
        var (rotation, hours, seconds) = turn.Value switch
        {
            86400 => ("daily", (int?)null, (int?)null),
            604800 => ("weekly", null, null),
            var t when t % 3600 == 0 && t / 3600 <= 672 => ("custom", (int?)(t / 3600), null),
            var t => ("custom", null, (int?)t),
        };
        return new LayerDocument(
            layer.Text("name") is { Length: > 0 } n ? n : $"Layer {index}",
            participants,
            LocalDateTimePattern.GeneralIso.Format(handoff),
            rotation,
            hours,
            restrictions.Count > 0 ? restrictions : null,
            seconds,
            InstantPattern.General.Format(start.Value),
            end is { } e ? InstantPattern.General.Format(e) : null);
    }

    private RestrictionDocument? Restriction(string file, string what, JsonObject r)
    {
        var type = r.Text("type");
        var time = LocalTimePattern.CreateWithInvariantCulture("HH':'mm':'ss").Parse(r.Text("start_time_of_day") ?? "");
        if (!time.Success)
            time = LocalTimePattern.CreateWithInvariantCulture("HH':'mm").Parse(r.Text("start_time_of_day") ?? "");
        var duration = r.Number("duration_seconds");
        var limit = type == "weekly_restriction" ? 7 * 86400 : 86400;
        if (type is not ("daily_restriction" or "weekly_restriction"))
        {
            plan.Problem(file, what, $"has a restriction of the unknown type '{type}' (PagerDuty's are daily_restriction and weekly_restriction).");
            return null;
        }
        if (!time.Success || duration is null or <= 0 || duration > limit)
        {
            plan.Problem(file, what, $"has a {type} that needs start_time_of_day like 08:00:00 and duration_seconds between 1 and {limit}.");
            return null;
        }
        List<string>? days = null;
        if (type == "weekly_restriction")
        {
            var day = r.Number("start_day_of_week");
            if (day is null or < 1 or > 7)
            {
                plan.Problem(file, what, "has a weekly_restriction whose start_day_of_week is not 1 (Monday) to 7 (Sunday).");
                return null;
            }
            days = [Layers.DayName((IsoDayOfWeek)day.Value)];
        }
        var start = time.Value;
        var startText = start.Second == 0 ? start.ToString("HH':'mm", CultureInfo.InvariantCulture) : start.ToString("HH':'mm':'ss", CultureInfo.InvariantCulture);
        // Within a day and on whole minutes: an end (past midnight when it is earlier); else a length, which may span days.
        if (duration <= 86400 && duration % 60 == 0 && start.Second == 0)
            return new RestrictionDocument(startText, start.PlusSeconds(duration.Value).ToString("HH':'mm", CultureInfo.InvariantCulture), days);
        return new RestrictionDocument(startText, null, days, Durations.Format(Duration.FromSeconds(duration.Value)));
    }

    private void Policy(JsonObject policy)
    {
        const string file = "escalation_policies.json";
        var id = policy.Text("id") ?? "(no id)";
        var name = Names.Safe(plan, file, id, policy.Text("name") ?? id);
        if (_policies.ContainsValue(name))
        {
            plan.Problem(file, id, $"has the name '{name}' of another escalation policy in the export.");
            return;
        }
        _policies[id] = name;
        var loops = policy.Number("num_loops") ?? 0;
        if (loops is < 0 or > 9)
            plan.Problem(file, id, $"loops {loops} times; Steady repeats a policy 0 to 9 times.");
        var rules = policy.Array("escalation_rules").OfType<JsonObject>().ToList();
        if (rules.Count is 0 or > 20)
            plan.Problem(file, id, $"has {rules.Count} escalation rules; Steady's policies have 1 to 20 steps.");
        var chain = new List<ChainStepDocument>();
        for (var i = 0; i < rules.Count; i++)
        {
            var what = $"{id} rule {rules[i].Text("id") ?? (i + 1).ToString(CultureInfo.InvariantCulture)}";
            var delay = rules[i].Number("escalation_delay_in_minutes");
            if (delay is null or < 1 or > 1440)
                plan.Problem(file, what, $"has escalation_delay_in_minutes {delay?.ToString(CultureInfo.InvariantCulture) ?? "missing"}; Steady waits 1 to 1440 minutes.");
            var notify = new List<string>();
            foreach (var target in rules[i].Array("targets").OfType<JsonObject>())
            {
                var (type, targetId) = (target.Text("type"), target.Text("id") ?? "");
                switch (type)
                {
                    case "user_reference" or "user":
                        if (Person(file, what, targetId) is { } email)
                            notify.Add(email);
                        break;
                    case "schedule_reference" or "schedule":
                        if (_schedules.TryGetValue(targetId, out var schedule))
                            notify.Add(schedule);
                        else
                            plan.Problem(file, what, $"notifies the schedule {targetId}, which is not in schedules.json.");
                        break;
                    default:
                        plan.Problem(file, what, $"has a target of the unknown type '{type}' (PagerDuty's are user_reference and schedule_reference).");
                        break;
                }
            }
            if (notify.Count == 0 && rules[i].Array("targets").Count == 0)
                plan.Problem(file, what, "notifies nobody (no targets).");
            chain.Add(new ChainStepDocument(notify.Distinct(StringComparer.OrdinalIgnoreCase).ToList(), $"{delay}m"));
        }
        _later.Add((ConfigKinds.EscalationPolicy, new PolicyDocument(name, TeamOf(file, id, policy), policy.Text("description") is { Length: > 0 } d ? d : null, (int)loops, chain)));
    }

    private void Service(JsonObject service)
    {
        const string file = "services.json";
        var id = service.Text("id") ?? "(no id)";
        var name = Names.Safe(plan, file, id, service.Text("name") ?? id);
        var policyId = service.Object("escalation_policy")?.Text("id");
        string? policy = null;
        if (policyId is not null && !_policies.TryGetValue(policyId, out policy))
            plan.Problem(file, id, $"uses the escalation policy {policyId}, which is not in escalation_policies.json.");
        if (service.Number("acknowledgement_timeout") is > 0 and var ack)
            plan.Note(file, id, $"re-triggers an acknowledged incident after {ack / 60} minutes.", "Steady's acknowledgement timeout is set in the console or API for the service (docs/paging.md), not in configuration as code.");
        if (service.Number("auto_resolve_timeout") is > 0 and var resolve)
            plan.Note(file, id, $"resolves incidents by itself after {resolve / 60} minutes.", "Steady resolves from the source (a resolve event) or by a person; have the monitoring tool send resolves.");
        if (service.Object("incident_urgency_rule") is { } urgency && urgency.Text("type") != "constant")
            plan.Note(file, id, "has an urgency rule that depends on support hours.", "Set urgencies by severity in Steady (low urgency waits for business hours, docs/paging.md).");
        var keys = new List<string>();
        foreach (var integration in service.Array("integrations").OfType<JsonObject>())
        {
            var type = integration.Text("type") ?? "";
            var label = integration.Text("name") ?? integration.Text("summary") ?? type;
            if (type.StartsWith("generic_email", StringComparison.Ordinal) || type.Contains("email_inbound", StringComparison.Ordinal))
            {
                plan.Note(file, $"{id} integration {integration.Text("id")}", $"'{label}' takes alerts by email, which Steady does not receive.", "Have the sender post to Steady's generic JSON intake (/intake/KEY/generic) or a webhook instead.");
                continue;
            }
            var keyName = Names.Safe(plan, file, id, label);
            if (!keys.Contains(keyName, StringComparer.OrdinalIgnoreCase))
                keys.Add(keyName);
            plan.Note(file, $"{id} integration {integration.Text("id")}", $"'{label}' ({type}) becomes the integration key '{keyName}' of {name}; the tool still sends to PagerDuty.",
                $"Read the key with 'steady service key list {name}' and point the tool at Steady: PagerDuty Events API v2 senders at POST /v2/enqueue with the key as routing_key (or /intake/KEY/events); Alertmanager at /intake/KEY/alertmanager; Grafana at /intake/KEY/grafana; anything else at /intake/KEY/generic.");
        }
        _later.Add((ConfigKinds.Service, new ServiceDocument(name, TeamOf(file, id, service), service.Text("description") is { Length: > 0 } d ? d : null, null, policy, IntegrationKeys: keys.Count > 0 ? keys : null)));
    }

    /// <summary>A user of the export by id: their email, or a problem naming the file and object.</summary>
    private string? Person(string file, string what, string? id) => plan.Person(_emails, file, what, id);

    private Instant? Moment(string file, string what, string field, string? text) => plan.Moment(file, what, field, text);
}

/// <summary>Names Steady uses in URLs: a slash becomes a dash, with a note.</summary>
public static class Names
{
    public static string Safe(ImportPlan plan, string file, string id, string name)
    {
        var trimmed = name.Trim();
        if (!trimmed.Contains('/') && !trimmed.Contains('\\'))
            return trimmed;
        var safe = trimmed.Replace('/', '-').Replace('\\', '-');
        plan.Note(file, id, $"'{trimmed}' has a slash, which Steady's names cannot (they are used in URLs).", $"It is called '{safe}'.");
        return safe;
    }
}
