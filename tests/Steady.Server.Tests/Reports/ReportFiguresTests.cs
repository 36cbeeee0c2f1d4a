using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Steady.Server.Tests.Reports;

/// <summary>
/// Every figure of the three reports over <see cref="ReportWorld"/>'s week, asserted exactly, on the database the
/// suite runs on (SQLite, or PostgreSQL with STEADY_TEST_DATABASE=postgres). How each expected figure comes about is
/// written beside it.
/// </summary>
[Collection(nameof(ReportWorld))]
public sealed class ReportFiguresTests(ReportWorld world)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private async Task<JsonElement> GetAsync(string path, string? person = null)
    {
        var client = person is null ? world.Host.Admin() : world.As(person);
        var response = await client.GetAsync(path, Cancel);
        var text = await response.Content.ReadAsStringAsync(Cancel);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    private static JsonElement Person(JsonElement team, string name) =>
        team.GetProperty("people").EnumerateArray().Single(p => p.GetProperty("name").GetString()!.StartsWith(name + " ", StringComparison.Ordinal));

    private static double D(JsonElement e, string name) => e.GetProperty(name).GetDouble();

    private static int I(JsonElement e, string name) => e.GetProperty(name).GetInt32();

    [Fact]
    public async Task ResponseTimesOfTheAlertGroupsThatPagedAndOfTheIncidentAreExact()
    {
        var report = await GetAsync($"/api/v1/reports/response?{world.Query}");
        // Seven groups opened in the period and paged (p8 opened after it). Acknowledged after 2, 6, 1 and 3 min
        // (p1, p3, p5, p7): mean 3 min, p50 the 2nd of 1 2 3 6 = 2 min, p90 the 4th = 6 min. Resolved after
        // 15, 3, 30, 2, 20, 4, 10 min: mean 84 / 7 = 12 min, p50 the 4th of 2 3 4 10 15 20 30 = 10 min, p90 the 7th = 30 min.
        var groups = report.GetProperty("alertGroups").GetProperty("total");
        Assert.Equal(7, I(groups, "count"));
        Assert.Equal(4, I(groups.GetProperty("toAcknowledge"), "count"));
        Assert.Equal([180.0, 120, 360], new[] { "mean", "p50", "p90" }.Select(f => D(groups.GetProperty("toAcknowledge"), f)));
        Assert.Equal([720.0, 600, 1800], new[] { "mean", "p50", "p90" }.Select(f => D(groups.GetProperty("toResolve"), f)));
        var critical = Assert.Single(report.GetProperty("alertGroups").GetProperty("bySeverity").EnumerateArray());
        Assert.Equal("critical", critical.GetProperty("name").GetString());
        Assert.Equal(world.Service, Assert.Single(report.GetProperty("alertGroups").GetProperty("byService").EnumerateArray()).GetProperty("name").GetString());

        // The incident: its alert fired 07:00, Cem acknowledged 07:06 (6 min), declared 07:10 and mitigated 07:20 (10 min),
        // resolved 07:40 (40 min from the start).
        var incident = report.GetProperty("incidents").GetProperty("total");
        Assert.Equal(1, I(incident, "count"));
        Assert.Equal(360, D(incident.GetProperty("toAcknowledge"), "p90"));
        Assert.Equal(600, D(incident.GetProperty("toMitigate"), "mean"));
        Assert.Equal(2400, D(incident.GetProperty("toResolve"), "p50"));
        Assert.Equal("SEV3", Assert.Single(report.GetProperty("incidents").GetProperty("bySeverity").EnumerateArray()).GetProperty("name").GetString());

        // Weeks in the reader's zone (the admin's, UTC): the week of 22 March holds all; the period ends in the week of 29 March.
        var weeks = report.GetProperty("weeks").EnumerateArray().ToList();
        Assert.Equal(["2027-03-22", "2027-03-29"], weeks.Select(w => w.GetProperty("week").GetString()));
        Assert.Equal(7, I(weeks[0], "alertGroups"));
        Assert.Equal(180, D(weeks[0], "groupMtta"));
        Assert.Equal(JsonValueKind.Null, weeks[1].GetProperty("groupMtta").ValueKind);
    }

    [Fact]
    public async Task EachPersonsHoursInterruptionsRestAndPayAreExact()
    {
        var team = Assert.Single((await GetAsync($"/api/v1/reports/oncall?{world.Query}")).GetProperty("teams").EnumerateArray());

        // Ben: his week 22 March 09:00 CET → 29 March 09:00 CEST is 167 h (the spring-forward night), less Ana's
        // 14 h override = 153 h, all first level. Business: Mon 9 + Tue 10 + Wed 10 + Thu 10 + Mon 29th 1 = 40 (Friday is
        // the holiday). Off: Mon, Tue, Thu 4 each + Fri, Sat, Sun 14 each = 54. Sleep: Mon 2 + Tue 10 + Wed 8 + Thu 2 +
        // Fri 10 + Sat 10 + Sun 9 (7 before 08:00 on the short night) + Mon 29th 8 = 59. Weekend 24 + 23 = 47; holiday 24.
        // Longest: Thursday 08:00 → Monday 09:00 = 96 h.
        var ben = Person(team, "Ben");
        var hours = ben.GetProperty("hours");
        Assert.Equal([153.0, 153, 0, 40, 54, 59, 47, 24, 96], new[] { "onCall", "firstLevel", "laterLevel", "business", "off", "sleep", "weekend", "holiday", "longestStretch" }.Select(h => D(hours, h)));
        // Pages p1 p2 p3 p5 p6 p7: sleep p1 (07:59), p2 (02:00), p7 (22:00); business p3 (08:00); off p5 (holiday), p6 (21:59 Saturday).
        Assert.Equal(6, I(ben, "pages"));
        var interruptions = ben.GetProperty("interruptions");
        Assert.Equal([6, 1, 2, 3], new[] { "total", "business", "off", "sleep" }.Select(f => I(interruptions, f)));
        Assert.Equal(3, I(ben, "acknowledgements")); // p1, p5, p7
        Assert.Equal(1, I(ben, "escalatedPast"));    // p3 went on to Cem
        // Rest: Monday's and Tuesday's nights both interrupted (p1, p2), and 144 h on call in the local week with interruptions.
        var week = Assert.Single(ben.GetProperty("brokenRest").EnumerateArray());
        Assert.Equal("2027-03-22", week.GetProperty("week").GetString());
        Assert.Equal(["2027-03-22", "2027-03-23"], week.GetProperty("consecutiveNights").EnumerateArray().Select(n => n.GetString()));
        Assert.True(week.GetProperty("overWeeklyLimit").GetBoolean());
        Assert.Equal(144, D(week, "hours"));
        // Pay: workdays 153 − 47 − 24 = 82 h × 2 = 164; weekend 47 × 2 × 1.5 = 141; holiday 24 × 2 × 2 = 96: 401.
        // Interruptions: sleep p1, p2 25 each; p5 off on the holiday 10 × 2 = 20; p6 off on Saturday 10 × 1.5 = 15; p7 sleep on Sunday 25 × 1.5 = 37.5: 122.5.
        var pay = ben.GetProperty("compensation");
        Assert.Equal(("EUR", 401m, 122.5m, 523.5m), (pay.GetProperty("currency").GetString(), pay.GetProperty("forHours").GetDecimal(), pay.GetProperty("forInterruptions").GetDecimal(), pay.GetProperty("total").GetDecimal()));

        // Ana: only her override, Wednesday 18:00 → Thursday 08:00: 4 off-hours and 10 sleep hours; p4 at 21:59 is off-hours.
        // Pay 14 × 2 + 10 = 38.
        var ana = Person(team, "Ana");
        Assert.Equal([14.0, 14, 0, 4, 10], new[] { "onCall", "firstLevel", "business", "off", "sleep" }.Select(h => D(ana.GetProperty("hours"), h)));
        Assert.Equal([1, 0, 1, 0], new[] { "total", "business", "off", "sleep" }.Select(f => I(ana.GetProperty("interruptions"), f)));
        Assert.Empty(ana.GetProperty("brokenRest").EnumerateArray());
        Assert.Equal(38m, ana.GetProperty("compensation").GetProperty("total").GetDecimal());

        // Cem, the secondary (a later level) all 167 h, read in New York (UTC−4): Monday 04:00 → Monday 03:00 local.
        // Business 40; off Mon–Thu 4 × 4 + Fri (the team's holiday, by his own date), Sat, Sun 14 each = 58; sleep 167 − 98 = 69.
        // Weekend 48, holiday 24. His one page, step 2 of p3 at 03:05 New York: a sleep interruption.
        // Pay: (167 − 48 − 24) × 2 = 190, 48 × 3 = 144, 24 × 4 = 96, one workday sleep interruption 25: 455.
        var cem = Person(team, "Cem");
        Assert.Equal([167.0, 0, 167, 40, 58, 69, 48, 24, 167], new[] { "onCall", "firstLevel", "laterLevel", "business", "off", "sleep", "weekend", "holiday", "longestStretch" }.Select(h => D(cem.GetProperty("hours"), h)));
        Assert.Equal([1, 0, 0, 1], new[] { "total", "business", "off", "sleep" }.Select(f => I(cem.GetProperty("interruptions"), f)));
        Assert.Equal(1, I(cem, "acknowledgements"));
        Assert.Equal(455m, cem.GetProperty("compensation").GetProperty("total").GetDecimal());
        Assert.Equal(523.5m + 38m + 455m, team.GetProperty("totalAmount").GetDecimal());

        // The heatmap, weekday × hour in each person's zone: Ben Tue 07, Wed 02, Wed 08, Fri 10, Sat 21, Sun 22; Ana Wed 21; Cem Wed 03.
        var heatmap = team.GetProperty("heatmap").EnumerateArray().Select(d => d.EnumerateArray().Select(c => c.GetInt32()).ToArray()).ToArray();
        Assert.Equal(8, heatmap.Sum(d => d.Sum()));
        Assert.Equal(1, heatmap[1][7]);
        Assert.Equal([0, 0, 1, 1, 0, 0, 0, 0, 1], heatmap[2][..9]);
        Assert.Equal(1, heatmap[2][21]);
        Assert.Equal(1, heatmap[6][22]);

        // Fairness of the primary rotation: Ana 14 h, Ben 153 h (range 139, Ben carried 153 / 167 = 91.62%); sleep interruptions 0 and 3.
        var primary = team.GetProperty("fairness").EnumerateArray().Single(f => f.GetProperty("schedule").GetString() == "primary-" + world.Suffix);
        Assert.True(primary.GetProperty("firstLevel").GetBoolean());
        Assert.Equal([14.0, 153, 139, 83.5], new[] { "min", "max", "range", "mean" }.Select(f => D(primary.GetProperty("hours"), f)));
        Assert.Equal(world.People["Ben"].Id, primary.GetProperty("hours").GetProperty("most").GetGuid());
        Assert.Equal(0.9162, D(primary.GetProperty("hours"), "shareOfMost"));
        Assert.Equal(3, D(primary.GetProperty("sleepInterruptions"), "max"));
        Assert.False(team.GetProperty("fairness").EnumerateArray().Single(f => f.GetProperty("schedule").GetString() == "secondary-" + world.Suffix).GetProperty("firstLevel").GetBoolean());
    }

    [Fact]
    public async Task NoiseCountsTransientAlertsPagesAndPagesPerShift()
    {
        var report = await GetAsync($"/api/v1/reports/noise?{world.Query}");
        var sources = report.GetProperty("sources").EnumerateArray().ToList();
        // HighLatency: p1 p3 p5 p7 (p8 came after the period), 5 pages (p3 paged Ben and Cem), all acknowledged by a person,
        // open 15, 30, 20, 10 min: median the 2nd of 10 15 20 30 = 15 min.
        var latency = sources.Single(s => s.GetProperty("name").GetString() == "HighLatency");
        Assert.Equal([4, 4, 5, 0], new[] { "alerts", "groups", "pages", "flappingEpisodes" }.Select(f => I(latency, f)));
        Assert.Equal([0.0, 0, 1, 900], new[] { "neverAcknowledgedShare", "transientShare", "acknowledgedByPersonShare", "medianOpenSeconds" }.Select(f => D(latency, f)));
        // DiskFull: p2 p4 p6, each resolved by the source within 3, 2, 4 min, nobody acknowledged; median 3 min.
        var disk = sources.Single(s => s.GetProperty("name").GetString() == "DiskFull");
        Assert.Equal([3, 3, 3], new[] { "alerts", "groups", "pages" }.Select(f => I(disk, f)));
        Assert.Equal([1.0, 1, 0, 180], new[] { "neverAcknowledgedShare", "transientShare", "acknowledgedByPersonShare", "medianOpenSeconds" }.Select(f => D(disk, f)));
        Assert.Equal($"DiskFull on {world.Service} paged 3 times; 3 of 3 resolved by themselves within 4 min: add a `for:` duration or lower its urgency.", disk.GetProperty("suggestion").GetString());
        Assert.Equal(JsonValueKind.Null, latency.GetProperty("suggestion").ValueKind);
        // The noisiest first: HighLatency (5 pages) before DiskFull (3).
        Assert.Equal(["HighLatency", "DiskFull"], report.GetProperty("top").EnumerateArray().Select(s => s.GetProperty("name").GetString()));
        // 8 messages (Ben 6, Ana 1, Cem 1) over the primary's 3 shifts in the period (Ben, Ana's override, Ben again): 2.67.
        var perShift = Assert.Single(report.GetProperty("pagesPerShift").EnumerateArray());
        Assert.Equal((8, 3, 2.67), (I(perShift, "pages"), I(perShift, "shifts"), D(perShift, "perShift")));
    }

    [Fact]
    public async Task TheCompensationCsvParsesWithPythonsCsvModuleAndItsTotalsMatchTheJson()
    {
        var response = await world.Host.Admin().GetAsync($"/api/v1/reports/oncall?{world.Query}&format=csv", Cancel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("attachment", response.Content.Headers.ContentDisposition?.ToString() ?? response.Headers.ToString(), StringComparison.Ordinal);
        var csv = await response.Content.ReadAsStringAsync(Cancel);

        const string script = """
            import csv, io, json, sys
            rows = list(csv.DictReader(io.StringIO(sys.stdin.read(), newline='')))
            print(json.dumps({"rows": len(rows), "people": sorted(r["person"].split(" ")[0] for r in rows),
                              "hours": round(sum(float(r["hours_on_call"]) for r in rows), 2),
                              "sleep": sum(int(r["sleep_hour_interruptions"]) for r in rows),
                              "amount": round(sum(float(r["amount"]) for r in rows), 2),
                              "ben": [r for r in rows if r["person"].startswith("Ben ")][0]}))
            """;
        var start = new ProcessStartInfo("python3", ["-c", script]) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        using var python = Process.Start(start)!;
        await python.StandardInput.WriteAsync(csv);
        python.StandardInput.Close();
        var output = await python.StandardOutput.ReadToEndAsync(Cancel);
        await python.WaitForExitAsync(Cancel);
        Assert.True(python.ExitCode == 0, await python.StandardError.ReadToEndAsync(Cancel));
        var parsed = JsonDocument.Parse(output).RootElement;

        var team = Assert.Single((await GetAsync($"/api/v1/reports/oncall?{world.Query}")).GetProperty("teams").EnumerateArray());
        var people = team.GetProperty("people").EnumerateArray().ToList();
        Assert.Equal(people.Count, I(parsed, "rows"));
        Assert.Equal(["Ana", "Ben", "Cem"], parsed.GetProperty("people").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal(people.Sum(p => p.GetProperty("hours").GetProperty("onCall").GetDouble()), D(parsed, "hours"));
        Assert.Equal(people.Sum(p => p.GetProperty("interruptions").GetProperty("sleep").GetInt32()), I(parsed, "sleep"));
        Assert.Equal((double)team.GetProperty("totalAmount").GetDecimal(), D(parsed, "amount"));
        var ben = parsed.GetProperty("ben");
        Assert.Equal(("2027-03-22T08:00:00Z", "2027-03-29T07:00:00Z", world.Team, "153", "59", "47", "24", "3", "1", "EUR", "523.5"),
            (ben.GetProperty("period_start").GetString(), ben.GetProperty("period_end").GetString(), ben.GetProperty("team").GetString(), ben.GetProperty("hours_on_call").GetString(),
             ben.GetProperty("sleep_hours").GetString(), ben.GetProperty("weekend_hours").GetString(), ben.GetProperty("holiday_hours").GetString(),
             ben.GetProperty("sleep_hour_interruptions").GetString(), ben.GetProperty("rest_broken_weeks").GetString(), ben.GetProperty("currency").GetString(), ben.GetProperty("amount").GetString()));
    }

    [Fact]
    public async Task MembersSeeTheTeamWithoutAmountsAndOthersSeeOnlyTheirOwnLoad()
    {
        // Ben, a responder: everyone's load, no rates, no amounts, no CSV.
        var seenByBen = Assert.Single((await GetAsync($"/api/v1/reports/oncall?{world.Query}", "Ben")).GetProperty("teams").EnumerateArray());
        Assert.Equal(3, seenByBen.GetProperty("people").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, seenByBen.GetProperty("rates").ValueKind);
        Assert.All(seenByBen.GetProperty("people").EnumerateArray(), p => Assert.Equal(JsonValueKind.Null, p.GetProperty("compensation").ValueKind));
        var csv = await world.As("Ben").GetAsync($"/api/v1/reports/oncall?{world.Query}&format=csv", Cancel);
        Assert.Equal(HttpStatusCode.Forbidden, csv.StatusCode);
        Assert.Contains("only admins of", await csv.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await world.As("Ben").GetAsync($"/api/v1/teams/{Uri.EscapeDataString(world.Team)}/report-settings", Cancel)).StatusCode);

        // Vic, a viewer, reads the response and noise reports.
        Assert.Equal(7, (await GetAsync($"/api/v1/reports/response?{world.Query}", "Vic")).GetProperty("alertGroups").GetProperty("total").GetProperty("count").GetInt32());

        // Oscar, admin of another team: refused the team's response and noise reports; its on-call report shows him nothing of theirs.
        foreach (var report in new[] { "response", "noise" })
        {
            var refused = await world.As("Oscar").GetAsync($"/api/v1/reports/{report}?{world.Query}", Cancel);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        }
        Assert.Empty((await GetAsync($"/api/v1/reports/oncall?{world.Query}", "Oscar")).GetProperty("teams").EnumerateArray());
        // Without a team he sees his own team only, where nobody was on call.
        var own = await GetAsync($"/api/v1/reports/response?from={ReportWorld.From}&to={ReportWorld.To}", "Oscar");
        Assert.Equal(0, own.GetProperty("alertGroups").GetProperty("total").GetProperty("count").GetInt32());
    }
}
