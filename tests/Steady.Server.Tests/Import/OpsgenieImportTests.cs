using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Steady.Core.OnCall;
using static Steady.Server.Tests.Import.PagerDutyImportTests;

namespace Steady.Server.Tests.Import;

/// <summary>
/// steady import opsgenie: a fixture export written from Opsgenie's documented API shapes (Import/opsgenie),
/// imported through the API, and the on-call answer compared with an independent reading of the export
/// (<see cref="OpsgenieOracle"/>) every 15 minutes over 8 weeks that cross DST in New York and Berlin.
/// </summary>
public sealed class OpsgenieImportTests
{
    /// <summary>When the import happens: one rotation has ended, the weekend rotations are still to come.</summary>
    public static readonly DateTimeOffset Now = new(2027, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private static async Task<SteadyHost> StartAsync()
    {
        var host = await SteadyHost.StartAsync();
        host.Clock.SetUtcNow(Now);
        return host;
    }

    /// <summary>The Steady schedules an Opsgenie schedule became: itself with one rotation in effect, else one per rotation.</summary>
    private static List<string> SteadyNames(OpsgenieOracle.Schedule s)
    {
        var live = s.Rotations.Where(r => r.End is null || r.End > Now).ToList();
        return live.Count <= 1 ? [s.Name] : live.Select(r => $"{s.Name} - {r.Name}").ToList();
    }

    [Fact]
    public async Task SteadyHasOnCallEveryoneOpsgenieHadEveryQuarterHourForEightWeeks()
    {
        await using var host = await StartAsync();
        var (status, body) = await ImportAsync(host.Admin(), "opsgenie", Folder(Fixture("opsgenie")));
        Assert.True(status == HttpStatusCode.OK, body);
        var oracle = OpsgenieOracle.Load(Fixture("opsgenie"));
        var (from, to) = (Now, Now.AddDays(56));
        var steady = await Answer.LoadAsync(host, oracle.Schedules.Values.SelectMany(SteadyNames), from, to.AddDays(2));

        var differences = new List<string>();
        var seen = oracle.Schedules.Values.ToDictionary(s => s.Name, _ => new HashSet<string>());
        foreach (var schedule in oracle.Schedules.Values)
        {
            for (var t = from; t < to; t = t.AddMinutes(15))
            {
                var expected = string.Join(",", oracle.OnCall(schedule, t));
                var actual = string.Join(",", SteadyNames(schedule).Select(n => steady.OnCall(n, t)).OfType<string>().Distinct().Order(StringComparer.Ordinal));
                seen[schedule.Name].Add(expected);
                if (expected != actual)
                    differences.Add($"{schedule.Name} at {t:u}: Opsgenie [{expected}], Steady [{actual}]");
            }
        }
        Assert.True(differences.Count == 0, $"{differences.Count} differences, the first:\n{string.Join("\n", differences.Take(20))}");
        // The fixture exercises what it claims: overlapping rotations (two people at once), gaps, both overrides, the weekend's people.
        Assert.Contains("ana@example.com,dee@example.com", seen["sre_schedule"]);
        Assert.Contains("", seen["sre_schedule"]);
        Assert.Contains("fay@example.com", seen["sre_schedule"]); // the override of the weekdays rotation
        Assert.DoesNotContain(seen["sre_schedule"], s => s.Contains("ben", StringComparison.Ordinal) && s.Contains("eli", StringComparison.Ordinal) && s.Split(',').Length > 2);
        Assert.Contains("eli@example.com", seen["sre_schedule"]); // the override of the whole schedule, and eli's own nights
        Assert.Equal(["ana@example.com", "dee@example.com", "eli@example.com", "fay@example.com"], seen["payments_schedule"].Order());
        Assert.Contains("cem@example.com,fay@example.com", seen["weekend_schedule"]);
        Assert.Contains("ben@example.com,dee@example.com", seen["weekend_schedule"]);

        // Escalations: who is notified, and at which minute after the alert, for an alert every 15 minutes.
        var escalationDifferences = new List<string>();
        var (exact, early) = (0, 0);
        foreach (var escalation in oracle.Escalations.Values)
        {
            var stored = await host.WithDbAsync((db, _) => db.EscalationPolicies.AsNoTracking().SingleAsync(p => p.Name == escalation.Name));
            for (var t = from; t < to; t = t.AddMinutes(15))
            {
                var expected = oracle.Notifications(escalation, t, out var reachedNobody);
                var actual = steady.Escalation(stored.ToPolicy(), t);
                // Where a rule's schedules had nobody on call, Steady's next step comes sooner, never later (the import notes it): the
                // first people notified are the same, at the same minute or sooner.
                var same = reachedNobody
                    ? expected.Count > 0 && actual.Count > 0 && People(expected[0]) == People(actual[0]) && Minute(actual[0]) <= Minute(expected[0])
                    : expected.SequenceEqual(actual);
                (exact, early) = reachedNobody ? (exact, early + 1) : (exact + 1, early);
                if (!same)
                    escalationDifferences.Add($"{escalation.Name} created at {t:u}:\n  Opsgenie {string.Join(" | ", expected)}\n  Steady   {string.Join(" | ", actual)}");
            }
        }
        Assert.True(escalationDifferences.Count == 0, $"{escalationDifferences.Count} differences, the first:\n{string.Join("\n", escalationDifferences.Take(10))}");
        Assert.True(exact > early && early > 0, $"{exact} alerts compared minute for minute, {early} where a schedule had nobody");
        // Tuesday 2 March 10:00 in New York: Ben on weekdays; delays 0, 5, 15, 30 from the creation, then again after waitInterval 10, twice more.
        var sre = oracle.Notifications(oracle.Escalations["9a1d1a5c-7e2b-4c3d-8e4f-5a6b7c8d9e0f"], new DateTimeOffset(2027, 3, 2, 15, 0, 0, TimeSpan.Zero), out _);
        Assert.Equal(["+0m", "+5m", "+15m", "+30m", "+40m", "+45m", "+55m", "+70m", "+80m", "+85m", "+95m", "+110m"], sre.Select(s => s.Split(' ')[0]));
        Assert.Equal("+5m cem@example.com,dee@example.com", sre[1]);
        Assert.Equal("+15m dee@example.com,eli@example.com,fay@example.com", sre[2]);
    }

    private static string People(string notification) => notification.Split(' ')[1];

    private static int Minute(string notification) => int.Parse(notification.Split(' ')[0][1..^1], System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task ImportingTwiceChangesNothingTheSecondTime()
    {
        await using var host = await StartAsync();
        var folder = Folder(Fixture("opsgenie"));
        var (status, body) = await ImportAsync(host.Admin(), "opsgenie", folder);
        Assert.True(status == HttpStatusCode.OK, body);
        var first = JsonDocument.Parse(body).RootElement.GetProperty("plan");
        var overrides = await host.WithDbAsync((db, _) => db.ScheduleOverrides.CountAsync());
        Assert.Equal(4, overrides); // eli's on both SRE schedules, fay's on weekdays, ana's; the past one is history
        Assert.Equal(2, await host.WithDbAsync((db, _) => db.IntegrationKeys.CountAsync())); // one heartbeat service per team

        (status, body) = await ImportAsync(host.Admin(), "opsgenie", folder);
        Assert.True(status == HttpStatusCode.OK, body);
        var second = JsonDocument.Parse(body).RootElement.GetProperty("plan");
        Assert.Equal(0, second.GetProperty("created").GetInt32() + second.GetProperty("updated").GetInt32());
        Assert.Equal(first.GetProperty("created").GetInt32(), second.GetProperty("unchanged").GetInt32());
        Assert.Equal(overrides, await host.WithDbAsync((db, _) => db.ScheduleOverrides.CountAsync()));
    }

    [Fact]
    public async Task ADryRunSaysWhatWouldBeCreatedAndWhatCannotBeCarriedOverAndChangesNothing()
    {
        await using var host = await StartAsync();
        var users = await host.WithDbAsync((db, _) => db.Users.CountAsync());
        var (status, body) = await ImportAsync(host.Admin(), "opsgenie", Folder(Fixture("opsgenie")), "?dryRun=true");
        Assert.True(status == HttpStatusCode.OK, body);
        var result = JsonDocument.Parse(body).RootElement;
        Assert.True(result.GetProperty("dryRun").GetBoolean());
        var created = result.GetProperty("plan").GetProperty("changes").EnumerateArray().Select(c => $"{c.GetProperty("kind").GetString()} {c.GetProperty("name").GetString()} {c.GetProperty("action").GetString()}").ToList();
        Assert.Contains("schedule sre_schedule - weekdays created", created);
        Assert.Contains("schedule sre_schedule - off hours created", created);
        Assert.Contains("schedule payments_schedule created", created);
        Assert.Contains("escalation_policy sre_escalation created", created);
        Assert.Contains("service Payments heartbeats created", created);
        Assert.Contains("team SRE created", created);
        Assert.Contains("user ana@example.com created", created);
        var notes = result.GetProperty("notes").EnumerateArray().Select(n => $"{n.GetProperty("file").GetString()} | {n.GetProperty("object").GetString()} | {n.GetProperty("why").GetString()} | {n.GetProperty("instead").GetString()}").ToList();
        Assert.Contains(notes, n => n.StartsWith("schedules.json | d875e654-9b4e-4219-a803-0c26e5b7f2a1 | has 2 rotations", StringComparison.Ordinal));
        Assert.Contains(notes, n => n.StartsWith("schedules.json | d875e654-9b4e-4219-a803-0c26e5b7f2a1 rotation 6b7c1a2e-1d10-4f6e-9a1b-aa03aa03aa03 | ended", StringComparison.Ordinal));
        Assert.Contains(notes, n => n.StartsWith("escalations.json | 9a1d1a5c-7e2b-4c3d-8e4f-5a6b7c8d9e0f rule 4 | notifies all members of the team Payments", StringComparison.Ordinal));
        Assert.Contains(notes, n => n.StartsWith("escalations.json | 9a1d1a5c-7e2b-4c3d-8e4f-5a6b7c8d9e0f rule 5 | escalates until the alert is closed", StringComparison.Ordinal));
        Assert.Contains(notes, n => n.StartsWith("escalations.json | 4e5f6a7b-8c9d-4e0f-a1b2-c3d4e5f6a7b8 rule 3 | notifies the next people", StringComparison.Ordinal));
        Assert.Contains(notes, n => n.StartsWith("escalations.json | 4e5f6a7b-8c9d-4e0f-a1b2-c3d4e5f6a7b8 rule 5 | hands the alert to the team SRE", StringComparison.Ordinal));
        Assert.Contains(notes, n => n.StartsWith("escalations.json | 4e5f6a7b-8c9d-4e0f-a1b2-c3d4e5f6a7b8 delay 10m | notifies only schedules", StringComparison.Ordinal));
        Assert.Contains(notes, n => n.StartsWith("heartbeats.json | nightly-backup | is a heartbeat every 1d", StringComparison.Ordinal) && n.Contains("/intake/KEY/heartbeat?name=nightly-backup&interval=1d", StringComparison.Ordinal));
        Assert.Contains(notes, n => n.StartsWith("users.json | b5b92115-bfe7-43eb-8c2a-e467f2e5ddc4 contact c1a0e3f2-0002-4c1e-9a11-7d2e5b1c0a01 | sms", StringComparison.Ordinal));
        Assert.Contains(notes, n => n.StartsWith("notification-rules/b5b92115-bfe7-43eb-8c2a-e467f2e5ddc4.json | rule 3d4e5f6a-7b8c-4d9e-0f1a-2b3c4d5e6f7a | notifies on 'schedule-start'", StringComparison.Ordinal));
        Assert.Equal(users, await host.WithDbAsync((db, _) => db.Users.CountAsync()));
        Assert.Equal(0, await host.WithDbAsync((db, _) => db.Schedules.CountAsync()));
    }

    [Fact]
    public async Task DelaysFromTheAlertsCreationBecomeStepWaitsAndTheRepeatCountsFromTheLastRule()
    {
        await using var host = await StartAsync();
        var (status, yaml) = await ImportAsync(host.Admin(), "opsgenie", Folder(Fixture("opsgenie")), "?format=yaml");
        Assert.True(status == HttpStatusCode.OK, yaml);
        (status, var body) = await ImportAsync(host.Admin(), "opsgenie", Folder(Fixture("opsgenie")));
        Assert.True(status == HttpStatusCode.OK, body);
        var policies = await host.WithDbAsync(async (db, _) => await db.EscalationPolicies.AsNoTracking().ToDictionaryAsync(p => p.Name, p => p.ToPolicy()));
        // 0, 5 (two rules), 15, 30 minutes after creation; then waitInterval 10 and the first delay 0.
        Assert.Equal([5, 10, 15, 10], policies["sre_escalation"].Steps.Select(s => (int)s.Wait.TotalMinutes));
        Assert.Equal(2, policies["sre_escalation"].Repeat);
        // 0, 10, 60 carried; the last rule (the SRE team, at 90) is not, but the repeat still counts from it: 90 - 60 + 5.
        Assert.Equal([10, 50, 35], policies["payments_escalation"].Steps.Select(s => (int)s.Wait.TotalMinutes));
        Assert.Equal(1, policies["payments_escalation"].Repeat);
        Assert.Contains("# Not carried over: escalations.json, 4e5f6a7b-8c9d-4e0f-a1b2-c3d4e5f6a7b8 rule 5", yaml, StringComparison.Ordinal);
        Assert.Contains("length: 62h", yaml, StringComparison.Ordinal); // Friday 18:00 to Monday 08:00
        Assert.Contains("shift_hours: 12", yaml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheExportWritesTheOverridesNotYetOverSoTheScheduleMovesWithItsCover()
    {
        await using var source = await StartAsync();
        var (status, body) = await ImportAsync(source.Admin(), "opsgenie", Folder(Fixture("opsgenie")));
        Assert.True(status == HttpStatusCode.OK, body);
        var exported = await Config.ConfigAsCodeTests.ExportAsync(source.Admin());
        Assert.Equal(4, exported.Split("start: 2027-").Length - 1); // eli's on both SRE schedules, fay's on weekdays, ana's
        Assert.Contains("user: eli@example.com", exported, StringComparison.Ordinal);
        Assert.Contains("start: 2027-03-10T15:00:00Z", exported, StringComparison.Ordinal);
        Assert.DoesNotContain("2027-02-10T15:00:00Z", exported, StringComparison.Ordinal); // the past one is history

        await using var empty = await StartAsync();
        var (applied, result) = await Config.ConfigAsCodeTests.ApplyAsync(empty.Admin(), exported);
        Assert.True(applied == HttpStatusCode.OK, result.ToString());
        Assert.Equal(4, await empty.WithDbAsync((db, _) => db.ScheduleOverrides.CountAsync()));
        Assert.Equal(exported, await Config.ConfigAsCodeTests.ExportAsync(empty.Admin()));
        // Once an override is over, the export leaves it out.
        source.Clock.SetUtcNow(new DateTimeOffset(2027, 3, 12, 0, 0, 0, TimeSpan.Zero));
        Assert.Equal(2, (await Config.ConfigAsCodeTests.ExportAsync(source.Admin())).Split("start: 2027-").Length - 1);
    }

    [Fact]
    public async Task BadInputNamesEachProblemWithItsFileAndObjectAndNothingIsApplied()
    {
        await using var host = await StartAsync();
        var folder = Folder(Fixture("opsgenie"));
        folder["users.json"]!["data"]![2]!.AsObject().Remove("username"); // Cem, in a rotation and a rule
        var rotations = folder["schedules.json"]!["data"]![0]!["rotations"]!;
        ((JsonArray)rotations[1]!["participants"]!).Add(new JsonObject { ["type"] = "none" });
        ((JsonArray)rotations[0]!["participants"]!).Add(new JsonObject { ["type"] = "team", ["id"] = "a7d1c0e2-22b1-4f0b-8c3e-0d9a5b6c7e8f", ["name"] = "Payments" });
        folder["schedules.json"]!["data"]![1]!["rotations"]![0]!["type"] = "monthly";
        folder["schedules.json"]!["data"]![2]!["rotations"]![1]!["timeRestriction"]!["type"] = "weekend";
        folder["escalations.json"]!["data"]![0]!["rules"]![0]!["recipient"]!["type"] = "escalation";
        folder["heartbeats.json"] = "{ not json";
        folder["schedule.json"] = new JsonObject { ["data"] = new JsonArray() };
        var before = await host.WithDbAsync((db, _) => db.Users.CountAsync());

        var (status, body) = await ImportAsync(host.Admin(), "opsgenie", folder);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Contains("nothing was changed", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
        var errors = problem.GetProperty("errors").EnumerateObject().ToDictionary(e => e.Name, e => string.Join(" ", e.Value.EnumerateArray().Select(m => m.GetString())));
        Assert.Contains("has no username that is an email", errors["users.json 3f2b9c8e-5d1a-4b7e-9c0d-1e2f3a4b5c6d (Cem Aydin)"], StringComparison.Ordinal);
        Assert.Contains("'none' participant", errors["schedules.json d875e654-9b4e-4219-a803-0c26e5b7f2a1 rotation 6b7c1a2e-1d10-4f6e-9a1b-aa02aa02aa02"], StringComparison.Ordinal);
        Assert.Contains("has a team (Payments) as a participant", errors["schedules.json d875e654-9b4e-4219-a803-0c26e5b7f2a1 rotation 6b7c1a2e-1d10-4f6e-9a1b-aa01aa01aa01"], StringComparison.Ordinal);
        Assert.Contains("who is not in users.json", errors["schedules.json d875e654-9b4e-4219-a803-0c26e5b7f2a1 rotation 6b7c1a2e-1d10-4f6e-9a1b-aa01aa01aa01"], StringComparison.Ordinal);
        Assert.Contains("the type 'monthly'", errors["schedules.json 0f3e2d1c-4b5a-4697-8877-665544332211 rotation 6b7c1a2e-1d10-4f6e-9a1b-bb01bb01bb01"], StringComparison.Ordinal);
        Assert.Contains("unknown type 'weekend'", errors["schedules.json 5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9 rotation 6b7c1a2e-1d10-4f6e-9a1b-cc02cc02cc02"], StringComparison.Ordinal);
        Assert.Contains("unknown type 'escalation'", errors["escalations.json 9a1d1a5c-7e2b-4c3d-8e4f-5a6b7c8d9e0f rule 1"], StringComparison.Ordinal);
        Assert.Contains("is not JSON", errors["heartbeats.json (file)"], StringComparison.Ordinal);
        Assert.Contains("is not a file of this export", errors["schedule.json (file)"], StringComparison.Ordinal);
        Assert.Equal(before, await host.WithDbAsync((db, _) => db.Users.CountAsync()));
        Assert.Equal(0, await host.WithDbAsync((db, _) => db.Schedules.CountAsync()));
    }

    /// <summary>Steady's answer after the import: its final schedules, asked through the API, and its escalation state machine.</summary>
    internal sealed class Answer(Dictionary<Guid, string> emails)
    {
        private readonly Dictionary<string, List<(DateTimeOffset Start, DateTimeOffset End, Guid? User)>> _shifts = [];
        private Dictionary<Guid, string> _scheduleNames = [];

        public static async Task<Answer> LoadAsync(SteadyHost host, IEnumerable<string> names, DateTimeOffset from, DateTimeOffset to)
        {
            var answer = new Answer(await host.WithDbAsync(async (db, _) => await db.Users.AsNoTracking().ToDictionaryAsync(u => u.Id, u => u.Email)));
            answer._scheduleNames = await host.WithDbAsync(async (db, _) => await db.Schedules.AsNoTracking().ToDictionaryAsync(s => s.Id, s => s.Name));
            foreach (var name in names)
            {
                var final = await host.Admin().GetFromJsonAsync<JsonElement>($"/api/v1/schedules/{Uri.EscapeDataString(name)}/final?from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(to.ToString("O"))}");
                answer._shifts[name] = final.GetProperty("shifts").EnumerateArray().Select(s => (
                    s.GetProperty("start").GetDateTimeOffset(),
                    s.GetProperty("end").GetDateTimeOffset(),
                    s.GetProperty("userId").ValueKind == JsonValueKind.Null ? (Guid?)null : s.GetProperty("userId").GetGuid())).ToList();
            }
            return answer;
        }

        public string? OnCall(string schedule, DateTimeOffset t) =>
            _shifts[schedule].Single(s => s.Start <= t && t < s.End).User is { } id ? emails[id] : null;

        /// <summary>The paging engine's own decisions (<see cref="Escalations.Run"/>) from an alert at <paramref name="t0"/>.</summary>
        public List<string> Escalation(EscalationPolicy policy, DateTimeOffset t0)
        {
            var timeline = new List<string>();
            var (position, t) = (new EscalationPosition(0, 0), t0);
            while (Escalations.Run(policy, position, target => target.Kind switch
                   {
                       TargetKind.User => [target.Id],
                       TargetKind.Schedule => _shifts[_scheduleNames[target.Id]].Single(s => s.Start <= t && t < s.End).User is { } id ? [id] : [],
                       _ => throw new InvalidOperationException("the import makes no team round robin"),
                   }) is { } run)
            {
                timeline.Add($"+{(t - t0).TotalMinutes:0}m {string.Join(",", run.Notify.Select(id => emails[id]).Distinct().Order(StringComparer.Ordinal))}");
                if (run.Next is null)
                    break;
                (position, t) = (run.Next, t + run.Wait.ToTimeSpan());
            }
            return timeline;
        }
    }
}
