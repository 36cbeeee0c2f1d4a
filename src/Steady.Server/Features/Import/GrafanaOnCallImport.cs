using System.Globalization;
using System.Text.Json.Nodes;
using NodaTime;
using NodaTime.Text;
using Steady.Core.OnCall;
using Steady.Server.Features.Config;

namespace Steady.Server.Features.Import;

/// <summary>
/// Grafana OnCall public API JSON → Steady's configuration documents, keeping who is on call exactly. A web schedule's
/// shifts become layers in order of <c>level</c> (the higher level wins where shifts overlap, as in OnCall; a later
/// Steady layer wins); overrides win over all. A shift is a recurrence (RFC 5545) of events of <c>duration</c> from
/// <c>start</c>, every <c>interval</c> hours, days or weeks (or on the <c>by_day</c> days of each week, weeks counted
/// from <c>week_start</c>), and <c>rolling_users</c> take the turns in order from <c>start_rotation_from_user_index</c>:
/// a layer whose turn is the recurrence's period, restricted to the events' windows when they are shorter. Escalation
/// chains: notify steps up to a wait are one Steady step, and the waits that follow are its wait; repeat_escalation
/// repeats the chain 5 times. Integrations become services with an integration key and their default route's chain.
/// The folder (docs/migrating.md): <c>users.json</c>, <c>personal_notification_rules.json</c>, <c>teams.json</c>,
/// <c>schedules.json</c>, <c>on_call_shifts.json</c>, <c>escalation_chains.json</c>, <c>escalation_policies.json</c>,
/// <c>integrations.json</c>; each as the API answers, <c>{"results": [...]}</c>.
/// </summary>
public sealed class GrafanaOnCallImport(ExportFolder folder, ImportPlan plan, Instant now)
{
    public const string DefaultTeam = "Grafana OnCall";

    public const string Files = "users.json, personal_notification_rules.json, teams.json, schedules.json, on_call_shifts.json, escalation_chains.json, escalation_policies.json, integrations.json";

    private static readonly string[] Known = ["users.json", "personal_notification_rules.json", "teams.json", "schedules.json", "on_call_shifts.json", "escalation_chains.json", "escalation_policies.json", "integrations.json"];

    private static readonly string[] IcalDays = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

    private readonly Dictionary<string, string> _emails = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _schedules = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _chains = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _teamNames = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _teams = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<(string Kind, object Body)> _later = [];

    public static bool IsFile(string name) => Known.Contains(name);

    public static ImportPlan Translate(ExportFolder folder, ImportPlan plan, Instant now)
    {
        new GrafanaOnCallImport(folder, plan, now).Run();
        return plan;
    }

    private void Run()
    {
        foreach (var team in folder.List("teams.json", "results", plan))
        {
            if (team.Text("id") is { } id && team.Text("name") is { } name)
                _teamNames[id] = Names.Safe(plan, "teams.json", id, name);
        }
        var users = Users();
        var shifts = folder.List("on_call_shifts.json", "results", plan).Where(s => s.Text("id") is not null).ToDictionary(s => s.Text("id")!, StringComparer.Ordinal);
        foreach (var schedule in folder.List("schedules.json", "results", plan, required: true))
            Schedule(schedule, shifts);
        foreach (var chain in folder.List("escalation_chains.json", "results", plan, required: true))
            Chain(chain, folder.List("escalation_policies.json", "results", plan, required: true));
        foreach (var integration in folder.List("integrations.json", "results", plan))
            Integration(integration);
        foreach (var team in _teams)
            plan.Add(ConfigKinds.Team, new TeamDocument(team));
        foreach (var user in users)
            plan.Add(ConfigKinds.User, user);
        foreach (var (kind, body) in _later)
            plan.Add(kind, body);
    }

    private string TeamOf(string file, string id, JsonObject thing)
    {
        var name = thing.Text("team_id") is { } teamId ? _teamNames.GetValueOrDefault(teamId) ?? Names.Safe(plan, file, id, teamId) : DefaultTeam;
        _teams.Add(name);
        return name;
    }

    private List<UserDocument> Users()
    {
        const string file = "users.json";
        var rules = folder.List("personal_notification_rules.json", "results", plan);
        var documents = new List<UserDocument>();
        foreach (var user in folder.List(file, "results", plan, required: true))
        {
            var id = user.Text("id") ?? "(no id)";
            var email = user.Text("email")?.Trim();
            if (string.IsNullOrEmpty(email))
            {
                plan.Problem(file, $"{id} ({user.Text("username")})", "has no email: Steady knows people by email.");
                continue;
            }
            _emails[id] = email.ToLowerInvariant();
            var zone = user.Text("timezone");
            if (zone is not null && DateTimeZoneProviders.Tzdb.GetZoneOrNull(zone) is null)
                zone = null;
            // The default (not important) chain: waits add up, email steps become rules at that minute; the rest is noted.
            var after = 0L;
            var mine = new List<RuleDocument>();
            foreach (var rule in rules.Where(r => r.Text("user_id") == id && r.Bool("important") != true).OrderBy(r => r.Number("position") ?? 0))
            {
                var type = rule.Text("type");
                if (type == "wait")
                    after += (rule.Number("duration") ?? 0) / 60;
                else if (type == "notify_by_email")
                    mine.Add(new RuleDocument($"{after}m", "any"));
                else
                    plan.Note("personal_notification_rules.json", $"{id} rule {rule.Text("id")}", $"'{type}' is not carried over.", "Add an sms, voice, ntfy or chat contact method in Steady (docs/notifications.md).");
            }
            if (rules.Any(r => r.Text("user_id") == id && r.Bool("important") == true))
                plan.Note("personal_notification_rules.json", id, "has rules for important alerts.", "Steady's rules are by urgency: add high-urgency rules in Steady for what 'important' meant.");
            var methods = new List<ContactMethodDocument> { new("email", email, null, null, mine.Count > 0 ? mine.Distinct().ToList() : [new RuleDocument("0m", "any")]) };
            documents.Add(new UserDocument(user.Text("name") is { Length: > 0 } n ? n : user.Text("username") ?? email, email, zone, null, methods));
        }
        return documents;
    }

    private void Schedule(JsonObject schedule, Dictionary<string, JsonObject> shifts)
    {
        const string file = "schedules.json";
        var id = schedule.Text("id") ?? "(no id)";
        var name = Names.Safe(plan, file, id, schedule.Text("name") ?? id);
        if (schedule.Text("type") is { } type && type != "web")
        {
            plan.Problem(file, id, $"is an {type} schedule: its shifts live in an iCal calendar, which this export does not have. Recreate it as a web schedule in Grafana OnCall, or in Steady.");
            return;
        }
        var zoneId = schedule.Text("time_zone") ?? "UTC";
        if (DateTimeZoneProviders.Tzdb.GetZoneOrNull(zoneId) is not { } zone)
        {
            plan.Problem(file, id, $"has the time zone '{zoneId}', which is not an IANA zone.");
            return;
        }
        _schedules[id] = name;
        var layers = new List<(long Level, int Order, LayerDocument Layer)>();
        var overrides = new List<OverrideDocument>();
        var order = 0;
        foreach (var shiftId in schedule.Array("on_call_shifts").Select(n => Str(n)))
        {
            var what = $"{id} shift {shiftId}";
            if (shiftId is null || !shifts.TryGetValue(shiftId, out var shift))
            {
                plan.Problem(file, what, "names a shift that is not in on_call_shifts.json.");
                continue;
            }
            if (shift.Text("time_zone") is { } own && own != zoneId)
            {
                plan.Problem("on_call_shifts.json", shiftId, $"keeps the time zone {own}, while its schedule's is {zoneId}; a Steady schedule has one. Set the shift to the schedule's time zone in Grafana OnCall, then export again.");
                continue;
            }
            if (shift.Text("type") == "override")
            {
                if (Override("on_call_shifts.json", shiftId, shift, zone) is { } o)
                    overrides.Add(o);
                continue;
            }
            if (Shift("on_call_shifts.json", shiftId, shift, zone, ++order) is { } layer)
                layers.Add((shift.Number("level") ?? 0, order, layer));
        }
        foreach (var same in layers.GroupBy(l => l.Level).Where(g => g.Count() > 1))
            plan.Note(file, id, $"has {same.Count()} shifts of level {same.Key} ({string.Join(", ", same.Select(l => l.Layer.Name))}); where they overlap Grafana OnCall has all of them on call, Steady the later one.", "Give them different levels in Grafana OnCall if they overlap, then export again.");
        _later.Add((ConfigKinds.Schedule, new ScheduleDocument(name, TeamOf(file, id, schedule), zoneId, null,
            layers.OrderBy(l => l.Level).ThenBy(l => l.Order).Select(l => l.Layer).ToList(), overrides.Count > 0 ? overrides : null)));
    }

    private OverrideDocument? Override(string file, string id, JsonObject shift, DateTimeZone zone)
    {
        var users = shift.Array("users").Concat(shift.Array("rolling_users").SelectMany(g => g as JsonArray ?? [])).Select(u => Str(u)).ToList();
        var start = Local(file, id, "start", shift.Text("start"));
        var duration = shift.Number("duration");
        if (users.Count != 1)
        {
            plan.Problem(file, id, $"is an override for {users.Count} people; Steady's overrides give the time to one person. Split it in Grafana OnCall, then export again.");
            return null;
        }
        var email = Person(file, id, users[0]);
        if (email is null || start is null || duration is null or <= 0)
            return null;
        var from = zone.ResolveLocal(start.Value, ScheduleCalculator.Resolver).ToInstant();
        var to = from + Duration.FromSeconds(duration.Value);
        return to <= now ? null : new OverrideDocument(email, InstantPattern.General.Format(from), InstantPattern.General.Format(to));
    }

    /// <summary>A shift as a layer: the turn is the recurrence's period; events shorter than it are restriction windows.</summary>
    private LayerDocument? Shift(string file, string id, JsonObject shift, DateTimeZone zone, int index)
    {
        var type = shift.Text("type");
        var start = Local(file, id, "start", shift.Text("start"));
        var duration = shift.Number("duration");
        var groups = type switch
        {
            "rolling_users" => shift.Array("rolling_users").Select(g => (g as JsonArray ?? []).Select(u => Str(u)).ToList()).ToList(),
            "single_event" or "recurrent_event" => [shift.Array("users").Select(u => Str(u)).ToList()],
            _ => null,
        };
        if (groups is null)
        {
            plan.Problem(file, id, $"has the type '{type}' (Grafana OnCall's are single_event, recurrent_event, rolling_users and override).");
            return null;
        }
        if (groups.Count == 0 || groups.Any(g => g.Count != 1))
        {
            plan.Problem(file, id, "has a turn with no one or with several people at once; a Steady layer has one person on call at a time. Give each turn one person in Grafana OnCall (a shift per person, at its own level), then export again.");
            return null;
        }
        var people = groups.Select(g => Person(file, id, g[0])).ToList();
        if (start is null || duration is null or <= 0 || people.Any(p => p is null))
        {
            if (duration is null or <= 0)
                plan.Problem(file, id, "needs a duration in seconds.");
            return null;
        }
        var first = (int)((shift.Number("start_rotation_from_user_index") ?? 0) % people.Count);
        var participants = people.Skip(first).Concat(people.Take(first)).Select(p => p!).ToList();
        var starts = zone.ResolveLocal(start.Value, ScheduleCalculator.Resolver).ToInstant();
        var name = shift.Text("name") is { Length: > 0 } n ? n : $"Shift {index}";
        if (type == "single_event")
            return End(new LayerDocument(name, participants, Format(start.Value), "custom", null, null, Layers.MaxShiftSeconds, Text(starts), Text(starts + Duration.FromSeconds(duration.Value))), file, id);

        var frequency = shift.Text("frequency");
        var interval = (int)(shift.Number("interval") ?? 1);
        var days = shift.Array("by_day").Select(d => Str(d)).ToList();
        if (shift.Array("by_month").Count > 0 || shift.Array("by_monthday").Count > 0 || frequency is not ("hourly" or "daily" or "weekly") || interval < 1)
        {
            plan.Problem(file, id, $"recurs {frequency ?? "(no frequency)"} every {interval}{(shift.Array("by_month").Count + shift.Array("by_monthday").Count > 0 ? " by month or day of month" : "")}; Steady carries hourly, daily and weekly recurrences (weekly ones on by_day days).");
            return null;
        }
        var period = frequency switch { "hourly" => 3600L, "daily" => 86400L, _ => 604800L } * interval;
        if (duration > period)
        {
            plan.Problem(file, id, $"has events of {duration} seconds that overlap the next ones (every {period} seconds).");
            return null;
        }
        var handoff = start.Value;
        List<RestrictionDocument>? restrictions = null;
        if (days.Count > 0)
        {
            // Weekly on by_day days: the turn is the week from week_start (RFC 5545's WKST), each event a window on its day.
            var isoDays = days.Select(d => Array.IndexOf(IcalDays, d ?? "")).ToList();
            var weekStart = Array.IndexOf(IcalDays, shift.Text("week_start") ?? "SU");
            if (frequency != "weekly" || interval != 1 || isoDays.Any(d => d < 0) || weekStart < 0 || duration > 86400)
            {
                plan.Problem(file, id, "has by_day with a daily or hourly frequency, an interval above 1, an unknown day, or events longer than a day; Steady carries weekly shifts on by_day days (every week), with events of up to a day.");
                return null;
            }
            var back = ((int)start.Value.DayOfWeek - 1 - weekStart + 7) % 7;
            handoff = start.Value.PlusDays(-back);
            restrictions = [new RestrictionDocument(Clock(start.Value.TimeOfDay), null, isoDays.Select(d => Layers.DayName((IsoDayOfWeek)(d + 1))).ToList(), Durations.Format(Duration.FromSeconds(duration.Value)))];
        }
        else if (duration < period)
        {
            if (interval != 1 || frequency == "hourly")
            {
                plan.Problem(file, id, $"has events of {duration} seconds every {period} seconds; Steady carries shorter events for daily and weekly shifts that recur every day or week.");
                return null;
            }
            restrictions = [new RestrictionDocument(Clock(start.Value.TimeOfDay), null, frequency == "weekly" ? [Layers.DayName(start.Value.DayOfWeek)] : null, Durations.Format(Duration.FromSeconds(duration.Value)))];
        }
        var (rotation, hours, seconds) = (frequency, interval) switch
        {
            ("daily", 1) => ("daily", (int?)null, (int?)null),
            ("weekly", 1) => ("weekly", null, null),
            _ when period % 3600 == 0 && period / 3600 <= 672 => ("custom", (int?)(period / 3600), null),
            _ => ("custom", null, (int?)period),
        };
        Instant? ends = null;
        if (shift.Text("until") is { } untilText && Local(file, id, "until", untilText) is { } until)
        {
            // RFC 5545: no event starts after until, and the last one runs to its end.
            var last = days.Count > 0 || duration < period
                ? LastEventEnd(until, start.Value, duration.Value, days.Count > 0 ? days.Select(d => (IsoDayOfWeek)(Array.IndexOf(IcalDays, d ?? "") + 1)).ToList() : frequency == "weekly" ? [start.Value.DayOfWeek] : null)
                : until;
            ends = zone.ResolveLocal(last, ScheduleCalculator.Resolver).ToInstant();
            if (days.Count == 0 && duration == period)
                ends = TurnEnd(zone, start.Value, period, until);
        }
        return End(new LayerDocument(name, participants, Format(handoff), rotation, hours, restrictions, seconds, Text(starts), ends is { } e ? Text(e) : null), file, id);
    }

    /// <summary>The end of the last event (at the start's time of day, on the given days or every day) that starts at or before <paramref name="until"/>.</summary>
    private static LocalDateTime LastEventEnd(LocalDateTime until, LocalDateTime start, long duration, List<IsoDayOfWeek>? days)
    {
        for (var day = until.Date; day >= start.Date; day = day.PlusDays(-1))
        {
            var at = day + start.TimeOfDay;
            if (at <= until && (days is null || days.Contains(day.DayOfWeek)))
                return at.PlusSeconds(duration);
        }
        return start;
    }

    /// <summary>The end of the turn in progress at <paramref name="until"/> when events fill their turns.</summary>
    private static Instant TurnEnd(DateTimeZone zone, LocalDateTime start, long period, LocalDateTime until)
    {
        var k = (long)Math.Floor((double)Period.Between(start, until, PeriodUnits.Seconds).Seconds / period);
        return zone.ResolveLocal(start.PlusSeconds(period * (k + 1)), ScheduleCalculator.Resolver).ToInstant();
    }

    private LayerDocument? End(LayerDocument layer, string file, string id)
    {
        if (layer.Ends is { } ends && InstantPattern.General.Parse(ends).Value <= now)
        {
            plan.Note(file, id, $"ended at {ends}.", "Nothing to do: ended shifts are history, not carried over.");
            return null;
        }
        return layer;
    }

    private void Chain(JsonObject chain, IReadOnlyList<JsonObject> policies)
    {
        const string file = "escalation_policies.json";
        var id = chain.Text("id") ?? "(no id)";
        var name = Names.Safe(plan, "escalation_chains.json", id, chain.Text("name") ?? id);
        _chains[id] = name;
        var steps = new List<(List<string> Notify, long Wait)>();
        var pending = new List<string>();
        var repeat = 0;
        var waitBefore = 0L;
        foreach (var step in policies.Where(p => p.Text("escalation_chain_id") == id).OrderBy(p => p.Number("position") ?? 0))
        {
            var what = $"{step.Text("id")} ({step.Text("type")})";
            switch (step.Text("type"))
            {
                case "wait":
                    var seconds = step.Number("duration") ?? 0;
                    if (seconds % 60 != 0)
                        plan.Problem(file, what, $"waits {seconds} seconds; Steady waits whole minutes.");
                    if (pending.Count > 0)
                    {
                        steps.Add((pending, seconds / 60));
                        pending = [];
                    }
                    else if (steps.Count > 0)
                        steps[^1] = (steps[^1].Notify, steps[^1].Wait + seconds / 60);
                    else
                        waitBefore += seconds / 60;
                    continue;
                case "notify_persons":
                    pending.AddRange(step.Array("persons_to_notify").Select(u => Person(file, what, Str(u))).OfType<string>());
                    break;
                case "notify_on_call_from_schedule":
                    if (step.Text("notify_on_call_from_schedule") is { } s && _schedules.TryGetValue(s, out var schedule))
                        pending.Add(schedule);
                    else
                        plan.Problem(file, what, $"notifies the schedule {step.Text("notify_on_call_from_schedule")}, which is not in schedules.json (or could not be imported).");
                    break;
                case "repeat_escalation":
                    repeat = 5;
                    break;
                default:
                    plan.Note(file, what, $"'{step.Text("type")}' is not an escalation step Steady has.", "Nothing is done at this step in Steady; add what it did by hand (a chat message, a webhook, a person).");
                    break;
            }
            if (step.Bool("important") == true)
                plan.Note(file, what, "notifies with the 'important' rules.", "Steady notifies by the alert's urgency; high-urgency rules apply to high-urgency alerts.");
            if (repeat > 0)
                break;
        }
        if (pending.Count > 0)
            steps.Add((pending, 0));
        if (waitBefore > 0)
            plan.Note(file, id, $"waits {waitBefore} minutes before its first notification; Steady's first step notifies when the alert comes in.", "Nothing to do, or have the first recipients' notification rules wait.");
        if (steps.Count == 0)
        {
            plan.Problem("escalation_chains.json", id, "has no step that notifies anybody Steady can notify (see the notes).");
            return;
        }
        var chainSteps = new List<ChainStepDocument>();
        for (var i = 0; i < steps.Count; i++)
        {
            // The last step's wait counts only when the chain repeats: then it runs into the next pass, and the leading wait with it.
            var wait = i + 1 < steps.Count ? steps[i].Wait : repeat > 0 ? steps[i].Wait + waitBefore : Math.Max(1, steps[i].Wait);
            if (wait is < 1 or > 1440)
                plan.Problem(file, $"{id} step {i + 1}", $"is followed by a wait of {wait} minutes; Steady waits 1 to 1440 minutes between steps (notify steps with no wait between them are one Steady step).");
            chainSteps.Add(new ChainStepDocument(steps[i].Notify.Distinct(StringComparer.OrdinalIgnoreCase).ToList(), $"{wait}m"));
        }
        _later.Add((ConfigKinds.EscalationPolicy, new PolicyDocument(name, TeamOf("escalation_chains.json", id, chain), null, repeat, chainSteps)));
    }

    private void Integration(JsonObject integration)
    {
        const string file = "integrations.json";
        var id = integration.Text("id") ?? "(no id)";
        var name = Names.Safe(plan, file, id, integration.Text("name") ?? id);
        var type = integration.Text("type") ?? "webhook";
        var chainId = integration.Object("default_route")?.Text("escalation_chain_id");
        string? policy = null;
        if (chainId is not null && !_chains.TryGetValue(chainId, out policy))
            plan.Problem(file, id, $"routes to the escalation chain {chainId}, which is not in escalation_chains.json.");
        if (integration.Array("routes").Count > 1)
            plan.Note(file, id, "has routes besides the default one.", "Steady sends every alert of a service to its escalation policy: make a service per route, or route by labels in the sender.");
        var endpoint = type switch { "alertmanager" => "/intake/KEY/alertmanager", "grafana_alerting" or "grafana" => "/intake/KEY/grafana", _ => "/intake/KEY/generic" };
        plan.Note(file, id, $"'{name}' ({type}) becomes the service {name} with the integration key 'grafana-oncall'; the tool still sends to Grafana OnCall.",
            $"Read the key with 'steady service key list {name}' and point the tool at {endpoint}.");
        _later.Add((ConfigKinds.Service, new ServiceDocument(name, TeamOf(file, id, integration), $"Moved from Grafana OnCall ({type}).", null, policy, IntegrationKeys: ["grafana-oncall"])));
    }

    private string? Person(string file, string what, string? id) => plan.Person(_emails, file, what, id);

    private LocalDateTime? Local(string file, string what, string field, string? text)
    {
        var parsed = LocalDateTimePattern.GeneralIso.Parse(text ?? "");
        if (parsed.Success)
            return parsed.Value;
        plan.Problem(file, what, $"has {field} '{text}', which is not a local date and time like 2026-09-05T08:00:00.");
        return null;
    }

    private static string? Str(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static string Format(LocalDateTime local) => LocalDateTimePattern.GeneralIso.Format(local);

    private static string Text(Instant instant) => InstantPattern.General.Format(instant);

    private static string Clock(LocalTime time) => time.ToString(time.Second == 0 ? "HH':'mm" : "HH':'mm':'ss", CultureInfo.InvariantCulture);
}
