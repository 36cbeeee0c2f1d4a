using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using Steady.Core.OnCall;
using Steady.Server.Tests.Config;

namespace Steady.Server.Tests.Import;

/// <summary>
/// steady import pagerduty: a fixture export written from PagerDuty's documented shapes (Import/pagerduty),
/// imported through the API, and the on-call answer compared with an independent reading of the export
/// (<see cref="PagerDutyOracle"/>) every 15 minutes over 8 weeks that cross DST in New York and Berlin.
/// </summary>
public sealed class PagerDutyImportTests
{
    /// <summary>When the import happens: the old layer has ended, the weekend layer is still to come.</summary>
    public static readonly DateTimeOffset Now = new(2027, 2, 22, 0, 0, 0, TimeSpan.Zero);

    public static string Fixture(string source)
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Steady.slnx")))
            root = root.Parent;
        Assert.NotNull(root);
        return Path.Combine(root.FullName, "tests", "Steady.Server.Tests", "Import", source);
    }

    /// <summary>The export folder as the CLI sends it: relative file name → the file's JSON.</summary>
    public static JsonObject Folder(string folder)
    {
        var body = new JsonObject();
        foreach (var file in Directory.EnumerateFiles(folder, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            body[Path.GetRelativePath(folder, file).Replace('\\', '/')] = JsonNode.Parse(File.ReadAllText(file));
        return body;
    }

    public static async Task<(HttpStatusCode Status, string Body)> ImportAsync(HttpClient client, string source, JsonObject folder, string query = "")
    {
        using var content = new StringContent(folder.ToJsonString(), Encoding.UTF8, "application/json");
        var response = await client.PostAsync($"/api/v1/import/{source}{query}", content);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task<SteadyHost> StartAsync()
    {
        var host = await SteadyHost.StartAsync();
        host.Clock.SetUtcNow(Now);
        return host;
    }

    [Fact]
    public async Task SteadyHasOnCallWhoeverPagerDutyHadEveryQuarterHourForEightWeeks()
    {
        await using var host = await StartAsync();
        var (status, body) = await ImportAsync(host.Admin(), "pagerduty", Folder(Fixture("pagerduty")));
        Assert.True(status == HttpStatusCode.OK, body);
        var oracle = PagerDutyOracle.Load(Fixture("pagerduty"));
        var (from, to) = (Now, Now.AddDays(56));
        var steady = await SteadyScheduleAsync(host, oracle.Schedules.Values.Select(s => s.Name), from, to.AddDays(2));

        var differences = new List<string>();
        var seen = new Dictionary<string, HashSet<string>>();
        var samples = 0;
        foreach (var schedule in oracle.Schedules.Values)
        {
            seen[schedule.Name] = [];
            for (var t = from; t < to; t = t.AddMinutes(15))
            {
                samples++;
                var expected = oracle.OnCall(schedule, t);
                var actual = steady.OnCall(schedule.Name, t);
                seen[schedule.Name].Add(expected ?? "(nobody)");
                if (expected != actual)
                    differences.Add($"{schedule.Name} at {t:u}: PagerDuty {expected ?? "nobody"}, Steady {actual ?? "nobody"}");
            }
        }
        Assert.True(differences.Count == 0, $"{differences.Count} differences, the first:\n{string.Join("\n", differences.Take(20))}");
        Assert.Equal(3 * 56 * 96, samples);
        // The fixture exercises what it claims: every layer and override shows, and the weekend schedule has gaps.
        Assert.Equal(["ana@example.com", "ben@example.com", "cem@example.com", "dee@example.com", "eli@example.com", "fay@example.com"], seen["Payments primary"].Order());
        // Dee's eight hours (23:00–07:00) lie under the nights layer (22:00–08:00), which wins: only overrides show through there.
        Assert.Equal(["ana@example.com", "ben@example.com", "cem@example.com", "eli@example.com", "fay@example.com"], seen["Platform Berlin"].Order());
        Assert.Equal(["(nobody)", "eli@example.com", "fay@example.com"], seen["Weekend backup"].Order());

        // Escalations: who is notified, and at which minute after the trigger, for a trigger every 15 minutes.
        var escalationDifferences = new List<string>();
        var skipped = 0;
        foreach (var policy in oracle.Policies.Values)
        {
            var stored = await host.WithDbAsync((db, _) => db.EscalationPolicies.AsNoTracking().SingleAsync(p => p.Name == policy.Name));
            for (var t = from; t < to; t = t.AddMinutes(15))
            {
                var expected = oracle.Escalation(policy, t);
                var actual = steady.Escalation(stored.ToPolicy(), t, out var skips);
                skipped += skips;
                if (!expected.SequenceEqual(actual))
                    escalationDifferences.Add($"{policy.Name} triggered at {t:u}:\n  PagerDuty {string.Join(" | ", expected)}\n  Steady    {string.Join(" | ", actual)}");
            }
        }
        Assert.True(escalationDifferences.Count == 0, $"{escalationDifferences.Count} differences, the first:\n{string.Join("\n", escalationDifferences.Take(10))}");
        Assert.True(skipped > 0, "the weekend schedule's gaps make some steps reach nobody, which are skipped");
        var first = oracle.Escalation(oracle.Policies["PE1PAY"], Now);
        Assert.Equal(9, first.Count); // three rules, looped twice more
        Assert.Equal(["+0m", "+7m", "+20m", "+50m", "+57m", "+70m", "+100m", "+107m", "+120m"], first.Select(f => f.Split(' ')[0]));
    }

    [Fact]
    public async Task ImportingTwiceChangesNothingTheSecondTime()
    {
        await using var host = await StartAsync();
        var folder = Folder(Fixture("pagerduty"));
        var (status, body) = await ImportAsync(host.Admin(), "pagerduty", folder);
        Assert.True(status == HttpStatusCode.OK, body);
        var first = JsonDocument.Parse(body).RootElement.GetProperty("plan");
        Assert.Equal(0, first.GetProperty("unchanged").GetInt32());
        var keys = await host.WithDbAsync((db, _) => db.IntegrationKeys.CountAsync());
        var overrides = await host.WithDbAsync((db, _) => db.ScheduleOverrides.CountAsync());
        Assert.Equal(2, keys);
        Assert.Equal(3, overrides); // the past one is history

        (status, body) = await ImportAsync(host.Admin(), "pagerduty", folder);
        Assert.True(status == HttpStatusCode.OK, body);
        var second = JsonDocument.Parse(body).RootElement.GetProperty("plan");
        Assert.Equal(0, second.GetProperty("created").GetInt32());
        Assert.Equal(0, second.GetProperty("updated").GetInt32());
        Assert.Equal(first.GetProperty("created").GetInt32(), second.GetProperty("unchanged").GetInt32());
        Assert.Equal(keys, await host.WithDbAsync((db, _) => db.IntegrationKeys.CountAsync()));
        Assert.Equal(overrides, await host.WithDbAsync((db, _) => db.ScheduleOverrides.CountAsync()));
    }

    [Fact]
    public async Task ADryRunSaysWhatWouldBeCreatedAndWhatCannotBeCarriedOverAndChangesNothing()
    {
        await using var host = await StartAsync();
        var users = await host.WithDbAsync((db, _) => db.Users.CountAsync());
        var (status, body) = await ImportAsync(host.Admin(), "pagerduty", Folder(Fixture("pagerduty")), "?dryRun=true");
        Assert.True(status == HttpStatusCode.OK, body);
        var result = JsonDocument.Parse(body).RootElement;
        Assert.True(result.GetProperty("dryRun").GetBoolean());
        var created = result.GetProperty("plan").GetProperty("changes").EnumerateArray().Select(c => $"{c.GetProperty("kind").GetString()} {c.GetProperty("name").GetString()} {c.GetProperty("action").GetString()}").ToList();
        Assert.Contains("schedule Payments primary created", created);
        Assert.Contains("escalation_policy Payments created", created);
        Assert.Contains("service payments-api created", created);
        Assert.Contains("team PagerDuty created", created);
        Assert.Contains("user ana@example.com created", created);
        var notes = result.GetProperty("notes").EnumerateArray().Select(n => $"{n.GetProperty("file").GetString()} | {n.GetProperty("object").GetString()} | {n.GetProperty("why").GetString()} | {n.GetProperty("instead").GetString()}").ToList();
        Assert.Contains(notes, n => n.StartsWith("users.json | PU1ANA contact method PC2ANA | SMS", StringComparison.Ordinal));
        Assert.Contains(notes, n => n.StartsWith("users.json | PU1ANA contact method PC3ANA | PagerDuty's app push", StringComparison.Ordinal) && n.Contains("ntfy", StringComparison.Ordinal));
        Assert.Contains(notes, n => n.StartsWith("schedules.json | PS1PAY layer PL0OLD | ended", StringComparison.Ordinal));
        Assert.Contains(notes, n => n.StartsWith("services.json | PSV1PAY integration PI2MAIL |", StringComparison.Ordinal));
        Assert.Contains(notes, n => n.StartsWith("services.json | PSV1PAY | re-triggers an acknowledged incident after 30 minutes.", StringComparison.Ordinal));
        Assert.Contains(notes, n => n.StartsWith("services.json | PSV1PAY integration PI1DD | 'Datadog'", StringComparison.Ordinal) && n.Contains("/v2/enqueue", StringComparison.Ordinal));
        Assert.Equal(users, await host.WithDbAsync((db, _) => db.Users.CountAsync()));
        Assert.Equal(0, await host.WithDbAsync((db, _) => db.Schedules.CountAsync()));
    }

    [Fact]
    public async Task TheYamlIsSteadysConfigurationAsCodeAndApplyingItAfterTheImportChangesNothing()
    {
        await using var host = await StartAsync();
        var folder = Folder(Fixture("pagerduty"));
        var (status, yaml) = await ImportAsync(host.Admin(), "pagerduty", folder, "?format=yaml");
        Assert.True(status == HttpStatusCode.OK, yaml);
        Assert.Contains("kind: schedule", yaml, StringComparison.Ordinal);
        Assert.Contains("shift_seconds: 5400", yaml, StringComparison.Ordinal);
        Assert.Contains("length: 63h", yaml, StringComparison.Ordinal);
        Assert.Contains("# Not carried over: users.json, PU1ANA contact method PC3ANA", yaml, StringComparison.Ordinal);
        Assert.Equal(0, await host.WithDbAsync((db, _) => db.Schedules.CountAsync()));

        var (applied, result) = await ConfigAsCodeTests.ApplyAsync(host.Admin(), yaml);
        Assert.True(applied == HttpStatusCode.OK, result.ToString());
        (status, var again) = await ImportAsync(host.Admin(), "pagerduty", folder);
        Assert.True(status == HttpStatusCode.OK, again);
        var plan = JsonDocument.Parse(again).RootElement.GetProperty("plan");
        Assert.Equal(0, plan.GetProperty("created").GetInt32() + plan.GetProperty("updated").GetInt32());
    }

    [Fact]
    public async Task SomeoneWhoAlreadyHasContactMethodsInSteadyKeepsThem()
    {
        await using var host = await StartAsync();
        const string ana = """
            kind: user
            name: Ana Lima
            email: ana@example.com
            contact_methods:
              - kind: ntfy
                address: https://ntfy.example.com/ana
                rules:
                  - after: 0m
            """;
        var (applied, result) = await ConfigAsCodeTests.ApplyAsync(host.Admin(), ana);
        Assert.True(applied == HttpStatusCode.OK, result.ToString());
        var (status, body) = await ImportAsync(host.Admin(), "pagerduty", Folder(Fixture("pagerduty")));
        Assert.True(status == HttpStatusCode.OK, body);
        Assert.Contains("\"object\":\"ana@example.com\",\"why\":\"already has contact methods in Steady", body, StringComparison.Ordinal);
        var methods = await host.WithDbAsync((db, _) => db.ContactMethods.AsNoTracking().Join(db.Users, m => m.UserId, u => u.Id, (m, u) => new { u.Email, m.Kind }).ToListAsync());
        Assert.Equal([ContactKind.Ntfy], methods.Where(m => m.Email == "ana@example.com").Select(m => m.Kind));
        Assert.Equal([ContactKind.Email, ContactKind.Email], methods.Where(m => m.Email == "ben@example.com").Select(m => m.Kind));
    }

    [Fact]
    public async Task BadInputNamesEachProblemWithItsFileAndObjectAndNothingIsApplied()
    {
        await using var host = await StartAsync();
        var folder = Folder(Fixture("pagerduty"));
        var users = (JsonArray)folder["users.json"]!["users"]!;
        users[4]!.AsObject().Remove("email"); // Eli, who is in several layers
        var layer = folder["schedules.json"]!["schedules"]![1]!["schedule_layers"]![0]!.AsObject();
        ((JsonArray)layer["users"]!).Add(new JsonObject { ["user"] = new JsonObject { ["id"] = "PNOBODY", ["type"] = "user_reference" } });
        folder["schedules.json"]!["schedules"]![0]!["schedule_layers"]![3]!["restrictions"]![0]!["type"] = "monthly_restriction";
        folder["escalation_policies.json"]!["escalation_policies"]![1]!["escalation_rules"]![0]!["targets"]![0]!["type"] = "team_reference";
        folder["teams.json"] = "{ not json";
        folder["user.json"] = new JsonObject { ["users"] = new JsonArray() };
        var before = await host.WithDbAsync((db, _) => db.Users.CountAsync());

        var (status, body) = await ImportAsync(host.Admin(), "pagerduty", folder);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Contains("nothing was changed", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
        var errors = problem.GetProperty("errors").EnumerateObject().ToDictionary(e => e.Name, e => string.Join(" ", e.Value.EnumerateArray().Select(m => m.GetString())));
        Assert.Contains("has no email", errors["users.json PU5ELI (Eli Novak)"], StringComparison.Ordinal);
        Assert.Contains("PNOBODY, who is not in users.json", errors["schedules.json PS2PLAT layer PL4EIGHT"], StringComparison.Ordinal);
        Assert.Contains("unknown type 'monthly_restriction'", errors["schedules.json PS1PAY layer PL3WEEKEND"], StringComparison.Ordinal);
        Assert.Contains("unknown type 'team_reference'", errors["escalation_policies.json PE2PLAT rule PER4"], StringComparison.Ordinal);
        Assert.Contains("is not JSON", errors["teams.json (file)"], StringComparison.Ordinal);
        Assert.Contains("is not a file of this export", errors["user.json (file)"], StringComparison.Ordinal);
        Assert.Equal(before, await host.WithDbAsync((db, _) => db.Users.CountAsync()));
        Assert.Equal(0, await host.WithDbAsync((db, _) => db.Schedules.CountAsync()));
    }

    [Fact]
    public async Task OnlyOrganizationAdministratorsImportAndUnknownSourcesAreNotFound()
    {
        await using var host = await StartAsync();
        var (_, token) = await host.CreateUserAsync("Responder Rae");
        var (status, _) = await ImportAsync(host.As(token), "pagerduty", Folder(Fixture("pagerduty")));
        Assert.Equal(HttpStatusCode.Forbidden, status);
        (status, _) = await ImportAsync(host.Admin(), "victorops", Folder(Fixture("pagerduty")));
        Assert.Equal(HttpStatusCode.NotFound, status);
        using var content = new StringContent("[1, 2]", Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.BadRequest, (await host.Admin().PostAsync("/api/v1/import/pagerduty", content)).StatusCode);
        using var yaml = new StringContent(Folder(Fixture("pagerduty")).ToJsonString(), Encoding.UTF8, "application/yaml");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await host.Admin().PostAsync("/api/v1/import/pagerduty", yaml)).StatusCode);
        Assert.Equal(0, await host.WithDbAsync((db, _) => db.Schedules.CountAsync()));
    }

    /// <summary>Steady's answer after the import: its final schedules, asked through the API, and its escalation state machine.</summary>
    private static async Task<SteadyAnswer> SteadyScheduleAsync(SteadyHost host, IEnumerable<string> names, DateTimeOffset from, DateTimeOffset to)
    {
        var answer = new SteadyAnswer(await host.WithDbAsync(async (db, _) => await db.Users.AsNoTracking().ToDictionaryAsync(u => u.Id, u => u.Email)));
        answer.ScheduleIds = await host.WithDbAsync(async (db, _) => await db.Schedules.AsNoTracking().ToDictionaryAsync(s => s.Id, s => s.Name));
        foreach (var name in names)
        {
            var final = await host.Admin().GetFromJsonAsync<JsonElement>($"/api/v1/schedules/{Uri.EscapeDataString(name)}/final?from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(to.ToString("O"))}");
            answer.Shifts[name] = final.GetProperty("shifts").EnumerateArray().Select(s => (
                s.GetProperty("start").GetDateTimeOffset(),
                s.GetProperty("end").GetDateTimeOffset(),
                s.GetProperty("userId").ValueKind == JsonValueKind.Null ? (Guid?)null : s.GetProperty("userId").GetGuid())).ToList();
        }
        return answer;
    }

    private sealed class SteadyAnswer(Dictionary<Guid, string> emails)
    {
        public Dictionary<string, List<(DateTimeOffset Start, DateTimeOffset End, Guid? User)>> Shifts { get; } = [];

        public Dictionary<Guid, string> ScheduleIds { get; set; } = [];

        public string? OnCall(string schedule, DateTimeOffset t)
        {
            var shift = Shifts[schedule].Single(s => s.Start <= t && t < s.End);
            return shift.User is { } id ? emails[id] : null;
        }

        /// <summary>The paging engine's own decisions (<see cref="Escalations.Run"/>) from a trigger at <paramref name="t0"/>.</summary>
        public List<string> Escalation(EscalationPolicy policy, DateTimeOffset t0, out int skipped)
        {
            var timeline = new List<string>();
            skipped = 0;
            var (position, t) = (new EscalationPosition(0, 0), t0);
            while (Escalations.Run(policy, position, target => target.Kind switch
                   {
                       TargetKind.User => [target.Id],
                       TargetKind.Schedule => Shifts[ScheduleIds[target.Id]].Single(s => s.Start <= t && t < s.End).User is { } id ? [id] : [],
                       _ => throw new InvalidOperationException("PagerDuty has no team round robin"),
                   }) is { } run)
            {
                skipped += run.SkippedSteps;
                timeline.Add($"+{(t - t0).TotalMinutes:0}m {string.Join(",", run.Notify.Select(id => emails[id]).Order(StringComparer.Ordinal))}");
                if (run.Next is null)
                    break;
                (position, t) = (run.Next, t + run.Wait.ToTimeSpan());
            }
            return timeline;
        }
    }
}
