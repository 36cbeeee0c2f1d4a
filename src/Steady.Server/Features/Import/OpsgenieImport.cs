using System.Globalization;
using System.Text.Json.Nodes;
using NodaTime;
using NodaTime.Text;
using Steady.Core.OnCall;
using Steady.Server.Features.Config;

namespace Steady.Server.Features.Import;

/// <summary>
/// Opsgenie REST API v2 JSON → Steady's configuration documents, keeping who is on call exactly. Opsgenie notifies
/// everyone on call in any rotation of a schedule at once (its docs: "all on-call users from different rotations are
/// notified"), while a Steady schedule has one person at a time: a schedule with one rotation becomes one Steady
/// schedule; one with several becomes one Steady schedule per rotation ("Schedule - Rotation"), and escalation steps
/// that notify it notify all of them. Escalation delays count from the alert's creation in Opsgenie; Steady's waits
/// count from the step before, so rules are sorted by delay, those with the same delay notified together, and each
/// wait is the difference. <c>repeat</c> becomes the policy's repeat count: the last wait is <c>waitInterval</c> plus
/// the first rule's delay. The folder (docs/migrating.md): <c>users.json</c>, <c>teams.json</c>,
/// <c>schedules.json</c> (with rotations), <c>overrides/SCHEDULE_ID.json</c>, <c>escalations.json</c>,
/// <c>heartbeats.json</c>, <c>notification-rules/USER_ID.json</c>; each as the API answers, <c>{"data": [...]}</c>.
/// </summary>
public sealed class OpsgenieImport(ExportFolder folder, ImportPlan plan, Instant now)
{
    public const string DefaultTeam = "Opsgenie";

    public const string Files = "users.json, teams.json, schedules.json, overrides/SCHEDULE_ID.json, escalations.json, heartbeats.json, notification-rules/USER_ID.json";

    private readonly Dictionary<string, string> _emails = new(StringComparer.Ordinal); // user id and username → email
    private readonly Dictionary<string, List<string>> _schedules = new(StringComparer.Ordinal); // schedule id and name → Steady schedules
    private readonly Dictionary<string, JsonObject> _teams = new(StringComparer.Ordinal); // team id and name → team
    private readonly SortedSet<string> _teamNames = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _policyOfTeam = new(StringComparer.Ordinal);
    private readonly List<(string Kind, object Body)> _later = [];

    public static bool IsFile(string name) =>
        name is "users.json" or "teams.json" or "schedules.json" or "escalations.json" or "heartbeats.json"
        || Nested(name, "overrides/") || Nested(name, "notification-rules/");

    private static bool Nested(string name, string folder) =>
        name.StartsWith(folder, StringComparison.Ordinal) && name.EndsWith(".json", StringComparison.Ordinal) && name.Count(c => c == '/') == 1 && name.Length > folder.Length + 5;

    public static ImportPlan Translate(ExportFolder folder, ImportPlan plan, Instant now)
    {
        new OpsgenieImport(folder, plan, now).Run();
        return plan;
    }

    private void Run()
    {
        foreach (var team in folder.List("teams.json", "data", plan))
        {
            foreach (var key in new[] { team.Text("id"), team.Text("name") }.OfType<string>())
                _teams[key] = team;
        }
        var users = Users();
        foreach (var schedule in folder.List("schedules.json", "data", plan, required: true))
            Schedule(schedule);
        foreach (var (file, rest) in folder.Under("overrides"))
        {
            if (!_schedules.ContainsKey(rest[..^5]))
                plan.Problem(file, rest[..^5], "names a schedule that is not in schedules.json.");
        }
        foreach (var escalation in folder.List("escalations.json", "data", plan, required: true))
            Escalation(escalation);
        Heartbeats();
        foreach (var team in _teamNames)
            plan.Add(ConfigKinds.Team, new TeamDocument(team));
        foreach (var user in users)
            plan.Add(ConfigKinds.User, user);
        foreach (var (kind, body) in _later)
            plan.Add(kind, body);
        if (_teamNames.Count > 0)
            plan.Note("teams.json", "(members)", "Opsgenie's team membership is not carried over as membership (escalations to a team's members are).", "Add people to their teams in Steady (console, or 'members' in the team's document of --to-yaml).");
    }

    private List<UserDocument> Users()
    {
        const string file = "users.json";
        var documents = new List<UserDocument>();
        foreach (var user in folder.List(file, "data", plan, required: true))
        {
            var id = user.Text("id") ?? "(no id)";
            var email = user.Text("username")?.Trim();
            if (string.IsNullOrEmpty(email) || !email.Contains('@'))
            {
                plan.Problem(file, $"{id} ({user.Text("fullName")})", "has no username that is an email: Steady knows people by email.");
                continue;
            }
            if (_emails.ContainsValue(email.ToLowerInvariant()))
            {
                plan.Problem(file, id, $"has the username {email} of another user in the export.");
                continue;
            }
            _emails[id] = email.ToLowerInvariant();
            _emails[email.ToLowerInvariant()] = email.ToLowerInvariant();
            var zone = user.Text("timeZone");
            if (zone is not null && DateTimeZoneProviders.Tzdb.GetZoneOrNull(zone) is null)
            {
                plan.Note(file, id, $"the time zone '{zone}' is not an IANA zone.", "Set the person's zone in Steady.");
                zone = null;
            }
            documents.Add(new UserDocument(user.Text("fullName") ?? email, email, zone, null, ContactMethods(id, email, user)));
        }
        return documents;
    }

    /// <summary>Email contacts with the steps of the user's alert rules; SMS, voice and the app need what the export cannot give.</summary>
    private List<ContactMethodDocument>? ContactMethods(string userId, string email, JsonObject user)
    {
        var methods = new SortedDictionary<string, List<RuleDocument>>(StringComparer.OrdinalIgnoreCase);
        foreach (var contact in user.Array("userContacts").OfType<JsonObject>())
        {
            var method = contact.Text("contactMethod") ?? contact.Text("method") ?? "";
            var to = contact.Text("to")?.Trim() ?? "";
            if (method == "email")
                methods.TryAdd(to, []);
            else
                NoteContact("users.json", $"{userId} contact {contact.Text("id")}", method, to);
        }
        var file = $"notification-rules/{userId}.json";
        foreach (var rule in folder.List(file, "data", plan))
        {
            var what = $"rule {rule.Text("id") ?? rule.Text("name")}";
            if (rule.Bool("enabled") == false)
                continue;
            if (rule.Text("actionType") != "create-alert")
            {
                plan.Note(file, what, $"notifies on '{rule.Text("actionType")}', which Steady's notification rules do not distinguish.", "Steady notifies about new alerts by these rules, and tells about acknowledgements and closes in its own messages.");
                continue;
            }
            if (rule.Array("timeRestriction").Count > 0 || rule.Object("timeRestriction") is not null)
                plan.Note(file, what, "is limited to some hours.", "Steady's rules apply at all hours; set low urgency for alerts that can wait (docs/paging.md).");
            foreach (var step in rule.Array("steps").OfType<JsonObject>().Where(s => s.Bool("enabled") != false))
            {
                var contact = step.Object("contact");
                var (method, to) = (contact.Text("method") ?? "", contact.Text("to")?.Trim() ?? "");
                if (method != "email")
                {
                    NoteContact(file, $"{what} step {step.Text("id")}", method, to);
                    continue;
                }
                if (Minutes(step.Object("sendAfter")) is not { } after || after > 1440)
                {
                    plan.Problem(file, $"{what} step {step.Text("id")}", "needs sendAfter with timeAmount and timeUnit (minutes or hours), within a day.");
                    continue;
                }
                methods.TryAdd(to, []);
                var document = new RuleDocument($"{after}m", "any");
                if (!methods[to].Contains(document))
                    methods[to].Add(document);
            }
        }
        if (methods.Count == 0)
            return null;
        return methods.Select(m => new ContactMethodDocument("email", m.Key, null, null, m.Value.Count > 0 ? m.Value.OrderBy(r => int.Parse(r.After![..^1], CultureInfo.InvariantCulture)).ToList() : [new RuleDocument("0m", "any")])).ToList();
    }

    private void NoteContact(string file, string what, string method, string to)
    {
        var instead = method switch
        {
            "sms" or "voice" => "Add it as an sms or voice contact method with your provider's request template (docs/notifications.md).",
            "mobile" => "Opsgenie's app push cannot be moved; add an ntfy contact method (push to a phone) in Steady.",
            _ => "Add the nearest kind of contact method in Steady.",
        };
        plan.Note(file, what, $"{method} to {to} is not carried over.", instead);
    }

    private string TeamOf(string file, string id, JsonObject thing)
    {
        var owner = thing.Object("ownerTeam");
        var name = owner?.Text("name") ?? (owner?.Text("id") is { } teamId && _teams.TryGetValue(teamId, out var team) ? team.Text("name") : null);
        name = name is null ? DefaultTeam : Names.Safe(plan, file, id, name);
        _teamNames.Add(name);
        return name;
    }

    private void Schedule(JsonObject schedule)
    {
        const string file = "schedules.json";
        var id = schedule.Text("id") ?? "(no id)";
        var name = Names.Safe(plan, file, id, schedule.Text("name") ?? id);
        var zoneId = schedule.Text("timezone");
        var zone = zoneId is null ? null : DateTimeZoneProviders.Tzdb.GetZoneOrNull(zoneId);
        if (zone is null)
        {
            plan.Problem(file, id, $"has the time zone '{zoneId}', which is not an IANA zone.");
            return;
        }
        if (schedule.Bool("enabled") == false)
            plan.Note(file, id, "is disabled in Opsgenie.", "It is imported as it is defined; leave it out of escalation policies in Steady until you use it.");
        var team = TeamOf(file, id, schedule);
        var rotations = new List<(string Id, LayerDocument Layer)>();
        var index = 0;
        foreach (var rotation in schedule.Array("rotations").OfType<JsonObject>())
        {
            index++;
            var rid = rotation.Text("id") ?? index.ToString(CultureInfo.InvariantCulture);
            if (Rotation(file, $"{id} rotation {rid}", rotation, zone, index) is { } layer)
                rotations.Add((rid, layer));
        }
        var overrides = Overrides(id, rotations.Select(r => r.Id).ToList());
        var description = schedule.Text("description") is { Length: > 0 } d ? d : null;
        var names = new List<string>();
        if (rotations.Count <= 1)
        {
            names.Add(name);
            _later.Add((ConfigKinds.Schedule, new ScheduleDocument(name, team, zoneId, description, rotations.Select(r => r.Layer).ToList(), Of(overrides, rotations.Select(r => r.Id).FirstOrDefault()))));
            if (rotations.Count == 0)
                plan.Note(file, id, "has no rotation that is in effect now or later.", "Nothing to do: the schedule is created empty.");
        }
        else
        {
            foreach (var (rid, layer) in rotations)
            {
                var part = $"{name} - {layer.Name}";
                names.Add(part);
                _later.Add((ConfigKinds.Schedule, new ScheduleDocument(part, team, zoneId, description, [layer], Of(overrides, rid))));
            }
            plan.Note(file, id, $"has {rotations.Count} rotations, whose people Opsgenie notifies together where they overlap; a Steady schedule has one person at a time.",
                $"Each rotation is its own Steady schedule ({string.Join(", ", names)}), and escalation steps that notify {name} notify all of them. Where the rotations never overlap you may merge them into one schedule's layers.");
        }
        if (names.Distinct(StringComparer.OrdinalIgnoreCase).Count() != names.Count || _schedules.Values.SelectMany(v => v).Intersect(names, StringComparer.OrdinalIgnoreCase).Any())
        {
            plan.Problem(file, id, $"gives a schedule name ({string.Join(", ", names)}) that another schedule or rotation of the export has; rename one in Opsgenie.");
            return;
        }
        _schedules[id] = names;
        _schedules.TryAdd(schedule.Text("name") ?? id, names);
    }

    /// <summary>The overrides of a rotation: those naming it, and those of the whole schedule.</summary>
    private static List<OverrideDocument>? Of(List<(string? Rotations, OverrideDocument Override)> overrides, string? rotation)
    {
        var mine = overrides.Where(o => o.Rotations is null || (rotation is not null && o.Rotations.Split(',').Contains(rotation))).Select(o => o.Override).ToList();
        return mine.Count > 0 ? mine : null;
    }

    private List<(string? Rotations, OverrideDocument Override)> Overrides(string scheduleId, List<string> rotations)
    {
        var file = $"overrides/{scheduleId}.json";
        var overrides = new List<(string?, OverrideDocument)>();
        foreach (var o in folder.List(file, "data", plan))
        {
            var what = $"override {o.Text("alias") ?? "(no alias)"}";
            var user = o.Object("user");
            if (user?.Text("type") is { } type && type != "user")
            {
                plan.Problem(file, what, $"gives the time to a {type}; Steady's overrides give it to one person. Replace it by a person's override in Opsgenie, or leave it out of the export and add it in Steady.");
                continue;
            }
            var email = Person(file, what, user?.Text("id") ?? user?.Text("username"));
            var (start, end) = (Moment(file, what, "startDate", o.Text("startDate")), Moment(file, what, "endDate", o.Text("endDate")));
            if (email is null || start is null || end is null || end <= now)
                continue;
            var named = o.Array("rotations").OfType<JsonObject>().Select(r => r.Text("id") ?? "").ToList();
            foreach (var r in named.Where(r => !rotations.Contains(r)))
                plan.Note(file, what, $"names the rotation {r}, which has ended or is not in the schedule.", "Nothing to do: that part of the override is not carried over.");
            overrides.Add((named.Count > 0 ? string.Join(',', named) : null, new OverrideDocument(email, InstantPattern.General.Format(start.Value), InstantPattern.General.Format(end.Value))));
        }
        return overrides;
    }

    private LayerDocument? Rotation(string file, string what, JsonObject rotation, DateTimeZone zone, int index)
    {
        var start = Moment(file, what, "startDate", rotation.Text("startDate"));
        var end = rotation.Text("endDate") is null ? null : Moment(file, what, "endDate", rotation.Text("endDate"));
        var length = rotation.Number("length") ?? 1;
        var type = rotation.Text("type");
        long? seconds = type switch
        {
            "hourly" => length * 3600,
            "daily" => length * 86400,
            "weekly" => length * 604800,
            _ => null,
        };
        if (seconds is null)
            plan.Problem(file, what, $"has the type '{type}' (Opsgenie's rotations are hourly, daily and weekly).");
        else if (length < 1 || seconds > Layers.MaxShiftSeconds)
            plan.Problem(file, what, $"has the length {length}; Steady takes turns of up to a year.");
        var participants = new List<string>();
        foreach (var p in rotation.Array("participants").OfType<JsonObject>())
        {
            var kind = p.Text("type");
            if (kind == "user")
            {
                if (Person(file, what, p.Text("id") ?? p.Text("username")) is { } email)
                    participants.Add(email);
            }
            else if (kind == "none")
            {
                plan.Problem(file, what, "has a 'none' participant: a turn in which nobody is on call. Steady's rotations have no empty turn, and leaving it out would move everyone else's turns. Give that turn to a person, or restrict the rotation's hours, in Opsgenie; then export again.");
            }
            else
            {
                plan.Problem(file, what, $"has a {kind} ({p.Text("name") ?? p.Text("id")}) as a participant; Steady's rotations take turns among people. Put the team's people in the rotation in Opsgenie (in the team's own turn order), then export again.");
            }
        }
        if (rotation.Array("participants").Count == 0)
            plan.Problem(file, what, "has no participants.");
        var restrictions = Restrictions(file, what, rotation.Object("timeRestriction"));
        if (start is null || seconds is null || length < 1 || seconds > Layers.MaxShiftSeconds || participants.Count != rotation.Array("participants").Count || restrictions is null)
            return null;
        if (end is { } ended && ended <= now)
        {
            plan.Note(file, what, $"ended at {InstantPattern.General.Format(ended)}.", "Nothing to do: ended rotations are history, not carried over.");
            return null;
        }
        var (kindText, hours, secs) = (type, length) switch
        {
            ("daily", 1) => ("daily", (int?)null, (int?)null),
            ("weekly", 1) => ("weekly", null, null),
            _ when seconds % 3600 == 0 && seconds / 3600 <= 672 => ("custom", (int?)(seconds / 3600), null),
            _ => ("custom", null, (int?)seconds),
        };
        return new LayerDocument(
            rotation.Text("name") is { Length: > 0 } n ? n : $"Rotation {index}",
            participants,
            LocalDateTimePattern.GeneralIso.Format(start.Value.InZone(zone).LocalDateTime),
            kindText,
            hours,
            restrictions.Count > 0 ? restrictions : null,
            secs,
            InstantPattern.General.Format(start.Value),
            end is { } e ? InstantPattern.General.Format(e) : null);
    }

    /// <summary>time-of-day: every day from start to end (past midnight when the end is earlier); weekday-and-time-of-day: from a day and time to a day and time, within a week.</summary>
    private List<RestrictionDocument>? Restrictions(string file, string what, JsonObject? restriction)
    {
        if (restriction is null)
            return [];
        var type = restriction.Text("type");
        var result = new List<RestrictionDocument>();
        if (type == "time-of-day")
        {
            var r = restriction.Object("restriction") ?? restriction.Array("restrictions").OfType<JsonObject>().FirstOrDefault();
            if (Clock(r, "start") is not { } from || Clock(r, "end") is not { } to)
            {
                plan.Problem(file, what, "has a time-of-day restriction that needs startHour, startMin, endHour and endMin.");
                return null;
            }
            result.Add(new RestrictionDocument(Text(from), Text(to)));
            return result;
        }
        if (type != "weekday-and-time-of-day")
        {
            plan.Problem(file, what, $"has a time restriction of the unknown type '{type}' (Opsgenie's are time-of-day and weekday-and-time-of-day).");
            return null;
        }
        foreach (var r in restriction.Array("restrictions").OfType<JsonObject>())
        {
            var (startDay, endDay) = (Day(r.Text("startDay")), Day(r.Text("endDay")));
            if (startDay is null || endDay is null || Clock(r, "start") is not { } from || Clock(r, "end") is not { } to)
            {
                plan.Problem(file, what, "has a weekday-and-time-of-day restriction that needs startDay, endDay (monday … sunday), startHour, startMin, endHour and endMin.");
                return null;
            }
            var minutes = ((int)endDay.Value - (int)startDay.Value) * 1440 + (to.Hour * 60 + to.Minute) - (from.Hour * 60 + from.Minute);
            if (minutes <= 0)
                minutes += 7 * 1440; // to the same or an earlier time in the week: the next week's
            result.Add(new RestrictionDocument(Text(from), null, [Layers.DayName(startDay.Value)], Durations.Format(Duration.FromMinutes(minutes))));
        }
        if (result.Count == 0)
            plan.Problem(file, what, "has a weekday-and-time-of-day restriction without restrictions.");
        return result.Count > 0 ? result : null;
    }

    private static LocalTime? Clock(JsonObject? r, string prefix) =>
        r.Number(prefix + "Hour") is >= 0 and <= 23 and var h && (r.Number(prefix + "Min") ?? 0) is >= 0 and <= 59 and var m ? new LocalTime((int)h, (int)m) : null;

    private static string Text(LocalTime time) => time.ToString("HH':'mm", CultureInfo.InvariantCulture);

    private static IsoDayOfWeek? Day(string? text) =>
        Enum.TryParse<IsoDayOfWeek>(text, ignoreCase: true, out var day) && day != IsoDayOfWeek.None && !(text ?? "").All(char.IsAsciiDigit) ? day : null;

    /// <summary>A duration of Opsgenie's (<c>timeAmount</c>, <c>timeUnit</c> minutes, hours or days) in whole minutes.</summary>
    private static long? Minutes(JsonObject? duration) => duration.Number("timeAmount") is >= 0 and var amount
        ? (duration.Text("timeUnit") ?? "minutes") switch
        {
            "minutes" => amount,
            "hours" => amount * 60,
            "days" => amount * 1440,
            _ => null,
        }
        : null;

    private void Escalation(JsonObject escalation)
    {
        const string file = "escalations.json";
        var id = escalation.Text("id") ?? "(no id)";
        var name = Names.Safe(plan, file, id, escalation.Text("name") ?? id);
        var rules = new List<(long Delay, List<string> Notify)>();
        var last = 0L; // the last rule's delay, carried over or not: the repeat counts from it
        var index = 0;
        foreach (var rule in escalation.Array("rules").OfType<JsonObject>())
        {
            var what = $"{id} rule {++index}";
            var condition = rule.Text("condition") ?? "if-not-acked";
            if (condition == "if-not-closed")
                plan.Note(file, what, "escalates until the alert is closed; Steady's escalations stop at the acknowledgement.", "Nothing to do, or agree that whoever acknowledges also closes.");
            else if (condition != "if-not-acked")
                plan.Problem(file, what, $"has the condition '{condition}' (Opsgenie's are if-not-acked and if-not-closed).");
            var delay = Minutes(rule.Object("delay"));
            if (delay is null)
                plan.Problem(file, what, "needs a delay with timeAmount and timeUnit (minutes, hours or days).");
            last = Math.Max(last, delay ?? 0);
            if (Recipients(file, what, rule) is { Count: > 0 } notify && delay is not null)
                rules.Add((delay.Value, notify));
        }
        if (rules.Count == 0)
        {
            plan.Problem(file, id, "has no rule that notifies anybody Steady can notify (see the notes).");
            return;
        }
        // Delays count from the alert's creation: the same delay is one step, and each wait is the time to the next delay.
        var steps = rules.GroupBy(r => r.Delay).OrderBy(g => g.Key).Select(g => (Delay: g.Key, Notify: g.SelectMany(r => r.Notify).Distinct(StringComparer.OrdinalIgnoreCase).ToList())).ToList();
        if (steps.Count > 20)
            plan.Problem(file, id, $"has {steps.Count} different delays; Steady's policies have 1 to 20 steps.");
        var repeat = escalation.Object("repeat");
        var count = repeat.Number("count") ?? 0;
        var waitInterval = repeat.Number("waitInterval") ?? 0;
        if (count is < 0 or > 9)
            plan.Problem(file, id, $"repeats {count} times; Steady repeats a policy 0 to 9 times.");
        if (steps[0].Delay > 0)
            plan.Note(file, id, $"notifies its first recipients {steps[0].Delay} minutes after the alert is created; Steady's first step notifies when the alert comes in.", "Nothing to do, or have the first recipients' own notification rules wait (after: " + steps[0].Delay + "m).");
        if (repeat.Bool("closeAlertAfterAll") == true)
            plan.Note(file, id, "closes the alert after the last repeat; Steady leaves it open, so it stays visible.", "Nothing to do.");
        var chain = new List<ChainStepDocument>();
        for (var i = 0; i < steps.Count; i++)
        {
            // The last step waits for the next pass, which starts waitInterval after the last rule (even one not carried over), then for the first delay again.
            var wait = i + 1 < steps.Count ? steps[i + 1].Delay - steps[i].Delay : count > 0 ? last - steps[i].Delay + waitInterval + steps[0].Delay : 1;
            if (wait is < 1 or > 1440)
                plan.Problem(file, i + 1 < steps.Count ? $"{id} delay {steps[i + 1].Delay}m" : $"{id} repeat", $"makes a wait of {wait} minutes; Steady waits 1 to 1440 minutes between steps.");
            chain.Add(new ChainStepDocument(steps[i].Notify, $"{wait}m"));
            var scheduleNames = _schedules.Values.SelectMany(v => v).ToHashSet(StringComparer.OrdinalIgnoreCase);
            if (i + 1 < steps.Count && steps[i].Notify.All(scheduleNames.Contains))
                plan.Note(file, $"{id} delay {steps[i].Delay}m", $"notifies only schedules ({string.Join(", ", steps[i].Notify)}). When nobody is on call in them, Opsgenie's next rule still waits until its delay; Steady goes on to the next step at once, {steps[i + 1].Delay - steps[i].Delay} minutes earlier.",
                    "Nothing to do if the schedules are always covered; otherwise add a person to the step, or accept that the next step comes sooner.");
        }
        _policyOfTeam.TryAdd(escalation.Object("ownerTeam")?.Text("id") ?? "", name);
        _later.Add((ConfigKinds.EscalationPolicy, new PolicyDocument(name, TeamOf(file, id, escalation), escalation.Text("description") is { Length: > 0 } d ? d : null, (int)count, chain)));
    }

    /// <summary>Whom a rule notifies, in Steady's terms; what cannot be carried over is a note, and the rule reaches the rest.</summary>
    private List<string>? Recipients(string file, string what, JsonObject rule)
    {
        var recipient = rule.Object("recipient");
        var (type, notifyType) = (recipient?.Text("type"), rule.Text("notifyType") ?? "default");
        var key = recipient?.Text("id") ?? recipient?.Text("name") ?? recipient?.Text("username");
        switch (type)
        {
            case "user":
                return Person(file, what, recipient?.Text("id") ?? recipient?.Text("username")) is { } email ? [email] : null;
            case "schedule" when notifyType == "default":
                if (key is not null && (_schedules.TryGetValue(key, out var names) || (recipient?.Text("name") is { } n && _schedules.TryGetValue(n, out names))))
                    return names;
                plan.Problem(file, what, $"notifies the schedule {key}, which is not in schedules.json.");
                return null;
            case "schedule":
                plan.Note(file, what, $"notifies the {notifyType} people in the rotation of {recipient?.Text("name") ?? key}; Steady notifies who is on call.", "This rule is not carried over: add a step for the person it should reach.");
                return null;
            case "team":
                if (key is null || !(_teams.TryGetValue(key, out var team) || (recipient?.Text("name") is { } tn && _teams.TryGetValue(tn, out team))))
                {
                    plan.Problem(file, what, $"notifies the team {key}, which is not in teams.json (with its members).");
                    return null;
                }
                var members = team.Array("members").OfType<JsonObject>().Where(m => notifyType switch
                {
                    "all" => true,
                    "admins" => m.Text("role") == "admin",
                    "users" => m.Text("role") != "admin",
                    _ => false,
                }).Select(m => Person("teams.json", $"{team.Text("id")} member", m.Object("user")?.Text("id") ?? m.Object("user")?.Text("username"))).OfType<string>().ToList();
                if (notifyType is "all" or "admins" or "users")
                {
                    var whom = notifyType switch { "all" => "all members", "admins" => "the admins", _ => "the members who are not admins" };
                    plan.Note(file, what, $"notifies {whom} of the team {team.Text("name")}: as the export has them, {string.Join(", ", members)}.", "Nothing to do; when the team changes, change the step in Steady too.");
                    return members;
                }
                plan.Note(file, what, $"hands the alert to the team {team.Text("name")} ({notifyType}: its own routing and escalation), which Steady's steps cannot name.", "This rule is not carried over: add a step that notifies the team's schedule or people in Steady.");
                return null;
            default:
                plan.Problem(file, what, $"has a recipient of the unknown type '{type}' (Opsgenie's are user, schedule and team).");
                return null;
        }
    }

    private void Heartbeats()
    {
        const string file = "heartbeats.json";
        if (!folder.Has(file))
            return;
        var byTeam = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var heartbeat in folder.List(file, "heartbeats", plan))
        {
            var name = heartbeat.Text("name") ?? "(no name)";
            var interval = heartbeat.Number("interval") ?? 10;
            var unit = (heartbeat.Text("intervalUnit") ?? "minutes") switch { "hours" => "h", "days" => "d", _ => "m" };
            var owner = heartbeat.Object("ownerTeam");
            var team = TeamOf(file, name, heartbeat);
            var service = Names.Safe(plan, file, name, $"{team} heartbeats");
            if (!byTeam.TryGetValue(service, out var list))
                byTeam[service] = list = [team, owner?.Text("id") ?? ""];
            plan.Note(file, name, $"is a heartbeat every {interval}{unit}{(heartbeat.Bool("enabled") == false ? " (disabled)" : "")}; Steady creates a heartbeat monitor at its first ping.",
                $"Point the pinger at Steady: GET or POST /intake/KEY/heartbeat?name={Uri.EscapeDataString(name)}&interval={interval}{unit} with the key 'heartbeats' of the service {service} ('steady service key list {service}').");
        }
        foreach (var (service, info) in byTeam)
        {
            var policy = _policyOfTeam.GetValueOrDefault(info[1]);
            if (policy is null)
                plan.Note(file, service, "has no escalation policy of its team in the export.", "Give the service an escalation policy in Steady, or missed heartbeats page nobody.");
            _later.Add((ConfigKinds.Service, new ServiceDocument(service, info[0], "Heartbeats moved from Opsgenie.", null, policy, IntegrationKeys: ["heartbeats"])));
        }
    }

    /// <summary>A user of the export by id or username: their email, or a problem naming the file and object.</summary>
    // A username is also found in its lower-case form (the map holds usernames lower-cased).
    private string? Person(string file, string what, string? id) =>
        id is not null && !_emails.ContainsKey(id) && _emails.TryGetValue(id.ToLowerInvariant(), out var email) ? email : plan.Person(_emails, file, what, id);

    private Instant? Moment(string file, string what, string field, string? text) => plan.Moment(file, what, field, text);
}
