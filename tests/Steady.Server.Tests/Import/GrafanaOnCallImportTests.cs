using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Steady.Core.OnCall;
using static Steady.Server.Tests.Import.PagerDutyImportTests;

namespace Steady.Server.Tests.Import;

/// <summary>
/// steady import grafana-oncall: a fixture export written from Grafana OnCall's documented public API shapes
/// (Import/grafana-oncall), imported through the API, and the on-call answer compared with an independent reading of
/// the export (<see cref="GrafanaOnCallOracle"/>) every 15 minutes over 8 weeks that cross DST in New York and Berlin.
/// </summary>
public sealed class GrafanaOnCallImportTests
{
    private static readonly DateTimeOffset Now = OpsgenieImportTests.Now;

    private static async Task<SteadyHost> StartAsync()
    {
        var host = await SteadyHost.StartAsync();
        host.Clock.SetUtcNow(Now);
        return host;
    }

    [Fact]
    public async Task SteadyHasOnCallWhoeverGrafanaOnCallHadEveryQuarterHourForEightWeeks()
    {
        await using var host = await StartAsync();
        var (status, body) = await ImportAsync(host.Admin(), "grafana-oncall", Folder(Fixture("grafana-oncall")));
        Assert.True(status == HttpStatusCode.OK, body);
        var oracle = GrafanaOnCallOracle.Load(Fixture("grafana-oncall"));
        var (from, to) = (Now, Now.AddDays(56));
        var steady = await OpsgenieImportTests.Answer.LoadAsync(host, oracle.Schedules.Values.Select(s => s.Name), from, to.AddDays(2));

        var differences = new List<string>();
        var seen = oracle.Schedules.Values.ToDictionary(s => s.Name, _ => new HashSet<string>());
        foreach (var schedule in oracle.Schedules.Values)
        {
            for (var t = from; t < to; t = t.AddMinutes(15))
            {
                var expected = oracle.OnCall(schedule, t);
                var actual = steady.OnCall(schedule.Name, t);
                seen[schedule.Name].Add(expected ?? "(nobody)");
                if (expected != actual)
                    differences.Add($"{schedule.Name} at {t:u}: Grafana OnCall {expected ?? "nobody"}, Steady {actual ?? "nobody"}");
            }
        }
        Assert.True(differences.Count == 0, $"{differences.Count} differences, the first:\n{string.Join("\n", differences.Take(20))}");
        // Every shift shows: the weekly turns, business hours, the launch day, the override; both night shifts.
        Assert.Equal(["ana@example.com", "ben@example.com", "cem@example.com", "dee@example.com", "eli@example.com", "fay@example.com"], seen["Platform primary"].Order());
        Assert.Equal(["ana@example.com", "ben@example.com", "dee@example.com", "eli@example.com", "fay@example.com"], seen["Night desk"].Order());
        // Business hours ended with the event in progress at 'until' (Wednesday 14 April, 12:00): its whole event, to 17:00 in Berlin.
        Assert.Equal(oracle.OnCall(oracle.Schedules["SBM7DV7BKFUYU"], new DateTimeOffset(2027, 4, 14, 14, 45, 0, TimeSpan.Zero)), steady.OnCall("Platform primary", new DateTimeOffset(2027, 4, 14, 14, 45, 0, TimeSpan.Zero)));
        Assert.Contains(steady.OnCall("Platform primary", new DateTimeOffset(2027, 4, 14, 14, 45, 0, TimeSpan.Zero)), new[] { "dee@example.com", "eli@example.com" });

        var escalationDifferences = new List<string>();
        foreach (var chain in oracle.Chains.Values)
        {
            var stored = await host.WithDbAsync((db, _) => db.EscalationPolicies.AsNoTracking().SingleAsync(p => p.Name == chain.Name));
            for (var t = from; t < to; t = t.AddMinutes(15))
            {
                var expected = oracle.Notifications(chain, t);
                var actual = steady.Escalation(stored.ToPolicy(), t);
                if (!expected.SequenceEqual(actual))
                    escalationDifferences.Add($"{chain.Name} at {t:u}:\n  Grafana OnCall {string.Join(" | ", expected)}\n  Steady         {string.Join(" | ", actual)}");
            }
        }
        Assert.True(escalationDifferences.Count == 0, $"{escalationDifferences.Count} differences, the first:\n{string.Join("\n", escalationDifferences.Take(10))}");
        var platform = oracle.Notifications(oracle.Chains["F5JU6KJET33FE"], Now);
        Assert.Equal(18, platform.Count); // three notifications, repeated five more times
        Assert.Equal(["+0m", "+5m", "+20m", "+40m", "+45m", "+60m"], platform.Take(6).Select(p => p.Split(' ')[0]));
    }

    [Fact]
    public async Task ImportingTwiceChangesNothingTheSecondTime()
    {
        await using var host = await StartAsync();
        var folder = Folder(Fixture("grafana-oncall"));
        var (status, body) = await ImportAsync(host.Admin(), "grafana-oncall", folder);
        Assert.True(status == HttpStatusCode.OK, body);
        var first = JsonDocument.Parse(body).RootElement.GetProperty("plan");
        Assert.Equal(1, await host.WithDbAsync((db, _) => db.ScheduleOverrides.CountAsync()));
        Assert.Equal(2, await host.WithDbAsync((db, _) => db.IntegrationKeys.CountAsync()));
        (status, body) = await ImportAsync(host.Admin(), "grafana-oncall", folder);
        Assert.True(status == HttpStatusCode.OK, body);
        var second = JsonDocument.Parse(body).RootElement.GetProperty("plan");
        Assert.Equal(0, second.GetProperty("created").GetInt32() + second.GetProperty("updated").GetInt32());
        Assert.Equal(first.GetProperty("created").GetInt32(), second.GetProperty("unchanged").GetInt32());
    }

    [Fact]
    public async Task ADryRunSaysWhatWouldBeCreatedAndWhatCannotBeCarriedOverAndChangesNothing()
    {
        await using var host = await StartAsync();
        var (status, body) = await ImportAsync(host.Admin(), "grafana-oncall", Folder(Fixture("grafana-oncall")), "?dryRun=true");
        Assert.True(status == HttpStatusCode.OK, body);
        var result = JsonDocument.Parse(body).RootElement;
        var created = result.GetProperty("plan").GetProperty("changes").EnumerateArray().Select(c => $"{c.GetProperty("kind").GetString()} {c.GetProperty("name").GetString()} {c.GetProperty("action").GetString()}").ToList();
        Assert.Contains("schedule Platform primary created", created);
        Assert.Contains("escalation_policy Platform chain created", created);
        Assert.Contains("service Alertmanager prod created", created);
        Assert.Contains("team Platform created", created);
        var notes = result.GetProperty("notes").EnumerateArray().Select(n => $"{n.GetProperty("file").GetString()} | {n.GetProperty("object").GetString()} | {n.GetProperty("why").GetString()} | {n.GetProperty("instead").GetString()}").ToList();
        Assert.Contains(notes, n => n.StartsWith("on_call_shifts.json | OOLD2MC8VJRL | ended", StringComparison.Ordinal));
        Assert.Contains(notes, n => n.StartsWith("escalation_policies.json | E1PLAT0000004 (notify_whole_channel) | 'notify_whole_channel' is not an escalation step Steady has", StringComparison.Ordinal));
        Assert.Contains(notes, n => n.StartsWith("escalation_policies.json | E2NITE0000004 (notify_person_next_each_time)", StringComparison.Ordinal));
        Assert.Contains(notes, n => n.StartsWith("personal_notification_rules.json | U1ANA7KQ3XMZP rule NT79GA9I7E4DL | 'notify_by_sms'", StringComparison.Ordinal));
        Assert.Contains(notes, n => n.StartsWith("integrations.json | CFRPV98RPR1U8 |", StringComparison.Ordinal) && n.Contains("/intake/KEY/alertmanager", StringComparison.Ordinal));
        Assert.Equal(0, await host.WithDbAsync((db, _) => db.Schedules.CountAsync()));
        Assert.Equal(0, await host.WithDbAsync((db, _) => db.EscalationPolicies.CountAsync()));
    }

    [Fact]
    public async Task NotifyStepsUpToAWaitAreOneStepAndRepeatEscalationRepeatsFiveTimes()
    {
        await using var host = await StartAsync();
        var (status, yaml) = await ImportAsync(host.Admin(), "grafana-oncall", Folder(Fixture("grafana-oncall")), "?format=yaml");
        Assert.True(status == HttpStatusCode.OK, yaml);
        Assert.Contains("length: 8h", yaml, StringComparison.Ordinal);
        Assert.Contains("first_handoff: 2027-02-01T09:00:00", yaml, StringComparison.Ordinal); // Wednesday's week starts on Monday (week_start MO)
        (status, var body) = await ImportAsync(host.Admin(), "grafana-oncall", Folder(Fixture("grafana-oncall")));
        Assert.True(status == HttpStatusCode.OK, body);
        var policies = await host.WithDbAsync(async (db, _) => await db.EscalationPolicies.AsNoTracking().ToDictionaryAsync(p => p.Name, p => p.ToPolicy()));
        Assert.Equal([5, 15, 20], policies["Platform chain"].Steps.Select(s => (int)s.Wait.TotalMinutes));
        Assert.Equal(5, policies["Platform chain"].Repeat);
        Assert.Equal(2, policies["Platform chain"].Steps[1].Targets.Count);
        Assert.Equal(0, policies["Night chain"].Repeat);
    }

    [Fact]
    public async Task BadInputNamesEachProblemWithItsFileAndObjectAndNothingIsApplied()
    {
        await using var host = await StartAsync();
        var folder = Folder(Fixture("grafana-oncall"));
        folder["users.json"]!["results"]![5]!.AsObject().Remove("email"); // Fay: in shifts and the launch day
        var shifts = (JsonArray)folder["on_call_shifts.json"]!["results"]!;
        shifts[0]!["rolling_users"]![0]!.AsArray().Add("U2BEN5RT8WLCQ"); // two people in one turn
        shifts[1]!["frequency"] = "monthly";
        shifts[6]!["type"] = "rotation";
        folder["schedules.json"]!["results"]![1]!["type"] = "ical";
        folder["escalation_chains.json"] = "{ nope";
        var before = await host.WithDbAsync((db, _) => db.Users.CountAsync());

        var (status, body) = await ImportAsync(host.Admin(), "grafana-oncall", folder);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var errors = JsonDocument.Parse(body).RootElement.GetProperty("errors").EnumerateObject().ToDictionary(e => e.Name, e => string.Join(" ", e.Value.EnumerateArray().Select(m => m.GetString())));
        Assert.Contains("has no email", errors["users.json U6FAY8ZC2QEWB (fay)"], StringComparison.Ordinal);
        Assert.Contains("several people at once", errors["on_call_shifts.json OWEEK5JQ3V8TY"], StringComparison.Ordinal);
        Assert.Contains("recurs monthly", errors["on_call_shifts.json OBIZ9XK2HQ7RM"], StringComparison.Ordinal);
        Assert.Contains("U6FAY8ZC2QEWB, who is not in users.json", errors["on_call_shifts.json OSNGL4WD6PZC"], StringComparison.Ordinal);
        Assert.Contains("is an ical schedule", errors["schedules.json S3NIGHT8QW2KD"], StringComparison.Ordinal);
        Assert.Contains("is not JSON", errors["escalation_chains.json (file)"], StringComparison.Ordinal);
        Assert.Equal(before, await host.WithDbAsync((db, _) => db.Users.CountAsync()));
        Assert.Equal(0, await host.WithDbAsync((db, _) => db.Schedules.CountAsync()));
    }
}
