using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Steady.Server.Features.Setup;

namespace Steady.Server.Tests.Config;

/// <summary>steady apply / steady export through the API: one transaction, idempotent, a stable round trip.</summary>
public sealed class ConfigAsCodeTests
{
    /// <summary>A whole on-call set-up: two teams, people with contact methods and rules, two rotations, the seed's policy (verbatim, no kind), a service.</summary>
    public const string Payments = """
        kind: team
        name: Payments
        description: Card processing and checkout.
        members:
          - user: alice@example.com
            role: admin
          - user: bob@example.com
            role: responder
        ---
        kind: team
        name: Platform
        ---
        kind: user
        name: Alice Martin
        email: alice@example.com
        time_zone: Europe/Berlin
        contact_methods:
          - kind: email
            address: alice@example.com
            rules:
              - after: 0m
          - kind: ntfy
            address: https://ntfy.example.com/alice-pages
            label: phone push
            rules:
              - after: 2m
                urgency: high
        ---
        kind: user
        name: Bob Okafor
        email: bob@example.com
        time_zone: Europe/London
        ---
        kind: user
        name: Erin Manager
        email: erin@example.com
        ---
        kind: schedule
        name: primary_engineer
        team: Payments
        time_zone: Europe/Berlin
        layers:
          - name: weekly
            participants: [alice@example.com, bob@example.com]
            first_handoff: 2026-11-02T09:00
            rotation: weekly
        ---
        kind: schedule
        name: secondary_engineer
        team: Payments
        time_zone: Europe/Berlin
        layers:
          - name: weekly
            participants: [bob@example.com, alice@example.com]
            first_handoff: 2026-11-02T09:00
            rotation: weekly
          - name: office hours
            participants: [Erin Manager]
            first_handoff: 2026-11-02T00:00
            rotation: daily
            restrictions:
              - start: "09:00"
                end: "17:00"
                days: [monday, tuesday, wednesday, thursday, friday]
        ---
        name: payments-oncall
        escalation_chain:
          - notify: primary_engineer
            wait: 5m
          - notify: secondary_engineer
            wait: 5m
          - notify: engineering_manager
        ---
        kind: service
        name: payments-api
        team: Payments
        runbook_url: https://runbooks.example.com/payments-api
        escalation_policy: payments-oncall
        group_by: [alertname]
        """;

    /// <summary>The seed's policy names an engineering_manager: here a one-person schedule.</summary>
    public const string Manager = """
        kind: schedule
        name: engineering_manager
        team: Payments
        time_zone: Europe/Berlin
        layers:
          - name: manager
            participants: [erin@example.com]
            first_handoff: 2026-11-02T09:00
            rotation: weekly
        """;

    public static string File => Payments + "\n---\n" + Manager;

    public static async Task<(HttpStatusCode Status, JsonElement Body)> ApplyAsync(HttpClient client, string yaml, bool dryRun = false)
    {
        using var content = new StringContent(yaml, Encoding.UTF8, "application/yaml");
        var response = await client.PostAsync($"/api/v1/config/apply{(dryRun ? "?dryRun=true" : "")}", content);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    public static async Task<string> ExportAsync(HttpClient client) => await client.GetStringAsync("/api/v1/config/export");

    private static Dictionary<string, string> Actions(JsonElement result) =>
        result.GetProperty("changes").EnumerateArray().ToDictionary(c => c.GetProperty("kind").GetString() + " " + c.GetProperty("name").GetString(), c => c.GetProperty("action").GetString()!);

    private static Task<int> AuditCountAsync(SteadyHost host) => host.WithDbAsync((db, _) => Task.FromResult(db.AuditEntries.Count()));

    [Fact]
    public async Task TheExampleInTheDocsAppliesAsItIsToAnEmptyServerAndAgainChangesNothing()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !System.IO.File.Exists(Path.Combine(root.FullName, "Steady.slnx")))
            root = root.Parent;
        Assert.NotNull(root);
        var doc = await System.IO.File.ReadAllTextAsync(Path.Combine(root.FullName, "docs", "config-as-code.md"), TestContext.Current.CancellationToken);
        var start = doc.IndexOf("```yaml\n", StringComparison.Ordinal) + "```yaml\n".Length;
        var example = doc[start..doc.IndexOf("```", start, StringComparison.Ordinal)];

        await using var host = await SteadyHost.StartAsync();
        var (status, first) = await ApplyAsync(host.Admin(), example);
        Assert.True(status == HttpStatusCode.OK, first.ToString());
        Assert.Equal(0, first.GetProperty("updated").GetInt32());
        Assert.True(first.GetProperty("created").GetInt32() >= 5, first.ToString());
        var (again, second) = await ApplyAsync(host.Admin(), example);
        Assert.Equal(HttpStatusCode.OK, again);
        Assert.Equal(0, second.GetProperty("created").GetInt32() + second.GetProperty("updated").GetInt32());
    }

    [Fact]
    public async Task AFileAppliesOnceAndApplyingItAgainChangesNothing()
    {
        await using var host = await SteadyHost.StartAsync();
        var (status, first) = await ApplyAsync(host.Admin(), File);
        Assert.True(status == HttpStatusCode.OK, first.ToString());
        Assert.Equal(10, first.GetProperty("created").GetInt32());
        Assert.Equal(0, first.GetProperty("updated").GetInt32());

        var policy = await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/escalation-policies/payments-oncall");
        var steps = policy.GetProperty("steps").EnumerateArray().Select(s => (s.GetProperty("notify")[0].GetProperty("name").GetString(), s.GetProperty("wait").GetString())).ToList();
        Assert.Equal([("primary_engineer", "5m"), ("secondary_engineer", "5m"), ("engineering_manager", "5m")], steps);
        Assert.Equal(["payments-api"], policy.GetProperty("services").EnumerateArray().Select(s => s.GetString()));
        var alice = await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/users/alice@example.com/notification-rules");
        Assert.Equal([("email", 0, "any"), ("ntfy", 2, "high")], alice.EnumerateArray().Select(r => (r.GetProperty("contactKind").GetString(), r.GetProperty("delayMinutes").GetInt32(), r.GetProperty("urgency").GetString())));
        var members = await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/teams/Payments/members");
        Assert.Equal(2, members.GetArrayLength());

        var audit = await AuditCountAsync(host);
        var (again, second) = await ApplyAsync(host.Admin(), File);
        Assert.Equal(HttpStatusCode.OK, again);
        Assert.Equal(0, second.GetProperty("created").GetInt32());
        Assert.Equal(0, second.GetProperty("updated").GetInt32());
        Assert.Equal(10, second.GetProperty("unchanged").GetInt32());
        Assert.Equal(audit, await AuditCountAsync(host));
    }

    [Fact]
    public async Task TheSeedPolicyAppliesVerbatimOnTheDemoOrganization()
    {
        await using var host = await SteadyHost.StartAsync(b => b.UseSetting("Steady:Demo", "true"));
        const string seed = """
            name: payments-oncall
            escalation_chain:
              - notify: primary_engineer
                wait: 5m
              - notify: secondary_engineer
                wait: 5m
              - notify: engineering_manager
            """;
        var (status, result) = await ApplyAsync(host.Admin(), seed);
        // The demo has no engineering_manager: the error names the document and the field.
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("document 1 (escalation_policy payments-oncall)", result.GetProperty("detail").GetString());
        Assert.Contains("escalation_chain[2].notify 'engineering_manager'", result.GetProperty("detail").GetString());

        var (created, _) = await ApplyAsync(host.Admin(), """
            kind: schedule
            name: engineering_manager
            team: Payments
            time_zone: Europe/Berlin
            layers:
              - name: manager
                participants: [dave@example.com]
                first_handoff: 2026-11-02T09:00
            """);
        Assert.Equal(HttpStatusCode.OK, created);
        var (applied, body) = await ApplyAsync(host.Admin(), seed);
        Assert.Equal(HttpStatusCode.OK, applied);
        var change = Assert.Single(body.GetProperty("changes").EnumerateArray());
        Assert.Equal("updated", change.GetProperty("action").GetString());
        Assert.Equal(["escalation_chain"], change.GetProperty("fields").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal("unchanged", Actions((await ApplyAsync(host.Admin(), seed)).Body)["escalation_policy payments-oncall"]);
    }

    [Fact]
    public async Task ExportAppliedToAnEmptyServerExportsTheSameText()
    {
        await using var source = await SteadyHost.StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await ApplyAsync(source.Admin(), File)).Status);
        var exported = await ExportAsync(source.Admin());
        Assert.Contains("kind: escalation_policy", exported);
        Assert.Contains("notify: engineering_manager", exported);
        Assert.DoesNotContain("created", exported);

        await using var empty = await SteadyHost.StartAsync();
        var (status, result) = await ApplyAsync(empty.Admin(), exported);
        Assert.True(status == HttpStatusCode.OK, result.ToString());
        Assert.Equal(exported, await ExportAsync(empty.Admin()));
        // And the export is itself stable under apply: nothing changes.
        Assert.Equal(0, (await ApplyAsync(empty.Admin(), exported)).Body.GetProperty("updated").GetInt32());
    }

    [Fact]
    public async Task ABadFileIsRefusedNamingEachDocumentAndFieldAndNothingIsWritten()
    {
        await using var host = await SteadyHost.StartAsync();
        var teams = await host.WithDbAsync((db, _) => Task.FromResult(db.Teams.Count()));
        var (status, result) = await ApplyAsync(host.Admin(), """
            kind: team
            name: Fine Team
            ---
            kind: schedule
            name: rota
            team: Fine Team
            time_zone: Europe/Berlin
            layers:
              - name: weekly
                participants: [nobody@example.com]
                first_handoff: soon
            ---
            kind: service
            name: api
            team: Fine Team
            colour: blue
            """);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var detail = result.GetProperty("detail").GetString()!;
        Assert.Contains("document 3 (service api): unknown field 'colour'", detail);
        Assert.Contains("runbook_url", detail);

        (status, result) = await ApplyAsync(host.Admin(), """
            kind: team
            name: Fine Team
            ---
            kind: schedule
            name: rota
            team: Fine Team
            time_zone: Europe/Berlin
            layers:
              - name: weekly
                participants: [nobody@example.com]
                first_handoff: soon
            """);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        detail = result.GetProperty("detail").GetString()!;
        Assert.Contains("document 2 (schedule rota): layers[0].participants[0]: there is no user 'nobody@example.com'", detail);
        Assert.Contains("first_handoff", detail);
        Assert.Equal(teams, await host.WithDbAsync((db, _) => Task.FromResult(db.Teams.Count())));

        (status, result) = await ApplyAsync(host.Admin(), "kind: team\nname: [unclosed\n");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("line", result.GetProperty("detail").GetString());
        (status, result) = await ApplyAsync(host.Admin(), "kind: gadget\nname: x\n");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("kind 'gadget'", result.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task ADryRunSaysWhatWouldChangeAndWritesNothing()
    {
        await using var host = await SteadyHost.StartAsync();
        var (status, result) = await ApplyAsync(host.Admin(), File, dryRun: true);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(result.GetProperty("dryRun").GetBoolean());
        Assert.Equal(10, result.GetProperty("created").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, (await host.Admin().GetAsync("/api/v1/teams/Payments")).StatusCode);
    }

    [Fact]
    public async Task AChangedFieldIsReportedAsUpdatedAndOnlyAdminsOfTheTeamMayMakeIt()
    {
        await using var host = await SteadyHost.StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await ApplyAsync(host.Admin(), File)).Status);
        var bob = await host.WithDbAsync(async (db, sp) =>
        {
            var id = db.Users.Single(u => u.Email == "bob@example.com").Id;
            var token = Steady.Core.Accounts.Secrets.NewToken();
            sp.GetRequiredService<Steady.Server.Features.Tokens.TokenCommands>().Issue(id, "test", token);
            await db.SaveChangesAsync();
            return host.As(token);
        });
        var changed = File.Replace("wait: 5m\n  - notify: secondary_engineer", "wait: 10m\n  - notify: secondary_engineer", StringComparison.Ordinal);
        Assert.NotEqual(File, changed);

        // Bob responds for Payments but does not administer it: an unchanged file is fine, a change is not his to make.
        Assert.Equal(HttpStatusCode.OK, (await ApplyAsync(bob, File)).Status);
        var (refused, problem) = await ApplyAsync(bob, changed);
        Assert.Equal(HttpStatusCode.Forbidden, refused);
        Assert.Contains("escalation_policy payments-oncall", problem.GetProperty("detail").GetString());

        var (status, result) = await ApplyAsync(host.Admin(), changed);
        Assert.Equal(HttpStatusCode.OK, status);
        var actions = Actions(result);
        Assert.Equal("updated", actions["escalation_policy payments-oncall"]);
        Assert.Equal("unchanged", actions["schedule primary_engineer"]);
        var policy = await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/escalation-policies/payments-oncall");
        Assert.Equal("10m", policy.GetProperty("steps")[0].GetProperty("wait").GetString());
    }

    [Fact]
    public async Task AServicesStabilizationChecklistAppliesFromYamlAndExportsBackTheSame()
    {
        const string service = """
            kind: team
            name: Payments
            ---
            kind: service
            name: payments-api
            team: Payments
            stabilization_checklist:
              - Isolate the failing node from the load balancer
              - "Pause automation: deploys and cron jobs"
              - Revert the most recent change, deliberately
            """;
        await using var source = await SteadyHost.StartAsync();
        var (status, result) = await ApplyAsync(source.Admin(), service);
        Assert.True(status == HttpStatusCode.OK, result.ToString());
        var stored = await source.Admin().GetFromJsonAsync<JsonElement>("/api/v1/services/payments-api");
        Assert.Equal(["Isolate the failing node from the load balancer", "Pause automation: deploys and cron jobs", "Revert the most recent change, deliberately"],
            stored.GetProperty("stabilizationChecklist").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal("unchanged", Actions((await ApplyAsync(source.Admin(), service)).Body)["service payments-api"]);

        var exported = await ExportAsync(source.Admin());
        Assert.Contains("stabilization_checklist:", exported);
        Assert.Contains("Revert the most recent change, deliberately", exported);
        await using var empty = await SteadyHost.StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await ApplyAsync(empty.Admin(), exported)).Status);
        Assert.Equal(exported, await ExportAsync(empty.Admin()));

        // Editing it in the file is an update of that field; a blank step is refused and nothing changes.
        var (editStatus, edited) = await ApplyAsync(source.Admin(), service.Replace("  - Revert the most recent change, deliberately", "  - \"Reduce load: shed the batch traffic\"", StringComparison.Ordinal));
        Assert.True(editStatus == HttpStatusCode.OK, edited.ToString());
        var change = edited.GetProperty("changes").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "payments-api");
        Assert.Equal("updated", change.GetProperty("action").GetString());
        Assert.Contains("stabilization_checklist", change.GetProperty("fields").EnumerateArray().Select(f => f.GetString()));
        var (refused, problem) = await ApplyAsync(source.Admin(), service + "\n  - \"  \"\n");
        Assert.Equal(HttpStatusCode.BadRequest, refused);
        Assert.Contains("document 2 (service payments-api): 'stabilization_checklist' is at most 30 steps, none empty", problem.GetProperty("detail").GetString());
        stored = await source.Admin().GetFromJsonAsync<JsonElement>("/api/v1/services/payments-api");
        Assert.Equal("Reduce load: shed the batch traffic", stored.GetProperty("stabilizationChecklist")[2].GetString());
    }

    [Fact]
    public async Task AServicesGroupingIsLeftAloneWhenAbsentSetByGroupByAndBackToTheSendersWithNull()
    {
        const string team = """
            kind: team
            name: Payments
            ---
            kind: service
            name: payments-api
            team: Payments
            """;
        await using var host = await SteadyHost.StartAsync();
        async Task<JsonElement> GroupByAsync() => (await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/services/payments-api")).GetProperty("alerts").GetProperty("groupBy");

        Assert.Equal(HttpStatusCode.OK, (await ApplyAsync(host.Admin(), team)).Status);
        Assert.Equal(JsonValueKind.Null, (await GroupByAsync()).ValueKind); // not set: the sender's grouping
        Assert.DoesNotContain("group_by", await ExportAsync(host.Admin()));

        // Set to no labels: every alert in one group, and the export says so (a round trip keeps it).
        Assert.Equal(HttpStatusCode.OK, (await ApplyAsync(host.Admin(), team + "\ngroup_by: []\n")).Status);
        Assert.Equal(0, (await GroupByAsync()).GetArrayLength());
        var exported = await ExportAsync(host.Admin());
        Assert.Contains("group_by: []", exported);
        await using var empty = await SteadyHost.StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await ApplyAsync(empty.Admin(), exported)).Status);
        Assert.Equal(exported, await ExportAsync(empty.Admin()));

        // Absent leaves it alone; ~ goes back to the sender's grouping.
        Assert.Equal("unchanged", Actions((await ApplyAsync(host.Admin(), team)).Body)["service payments-api"]);
        Assert.Equal(0, (await GroupByAsync()).GetArrayLength());
        var (status, reset) = await ApplyAsync(host.Admin(), team + "\ngroup_by: ~\n");
        Assert.True(status == HttpStatusCode.OK, reset.ToString());
        Assert.Equal("updated", Actions(reset)["service payments-api"]);
        Assert.Equal(JsonValueKind.Null, (await GroupByAsync()).ValueKind);

        // A typo is still refused, naming the fields a service has (group_by among them).
        var (refused, problem) = await ApplyAsync(host.Admin(), team + "\ngroupby: []\n");
        Assert.Equal(HttpStatusCode.BadRequest, refused);
        Assert.Contains("group_by", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task SchedulesAndPoliciesInAFileAreCheckedAndChangedByTheCommandsTheApiUses()
    {
        await using var host = await SteadyHost.StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await ApplyAsync(host.Admin(), File)).Status);
        var alice = (await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/users/alice@example.com")).GetProperty("id").GetGuid();

        // The same wrong layer refused by the API and by a file, in the same words (the file's in snake_case).
        var api = await host.Admin().PostAsJsonAsync("/api/v1/schedules", new
        {
            name = "nights", team = "Payments", timeZone = "Europe/Berlin",
            layers = new[] { new { name = "nights", participants = new[] { alice }, firstHandoff = "2026-11-02T22:00", rotation = "custom", shiftHours = 0 } },
        });
        Assert.Equal(HttpStatusCode.BadRequest, api.StatusCode);
        Assert.Contains("layers[0].rotation must be daily, weekly, or custom with shiftHours between 1 and 672 or shiftSeconds between 60 and 31622400 (a year).", await api.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var (status, problem) = await ApplyAsync(host.Admin(), """
            kind: schedule
            name: nights
            team: Payments
            time_zone: Mars/Olympus
            layers:
              - name: nights
                participants: [alice@example.com]
                first_handoff: 2026-11-02T22:00
                rotation: custom
                shift_hours: 0
            """);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains("document 1 (schedule nights): layers[0].rotation must be daily, weekly, or custom with shift_hours between 1 and 672 or shift_seconds between 60 and 31622400 (a year).", detail, StringComparison.Ordinal);
        Assert.Contains("document 1 (schedule nights): 'time_zone' 'Mars/Olympus' is not a known IANA time zone", detail, StringComparison.Ordinal);

        // A change is one audit entry by whoever applied it, with a new version; the same file again changes nothing.
        var audit = await AuditCountAsync(host);
        var zoned = File.Replace("name: primary_engineer\nteam: Payments\ntime_zone: Europe/Berlin", "name: primary_engineer\nteam: Payments\ntime_zone: Europe/London", StringComparison.Ordinal);
        Assert.NotEqual(File, zoned);
        var (applied, result) = await ApplyAsync(host.Admin(), zoned);
        Assert.Equal(HttpStatusCode.OK, applied);
        Assert.Equal(["time_zone"], result.GetProperty("changes").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "primary_engineer").GetProperty("fields").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(audit + 1, await AuditCountAsync(host));
        var entry = await host.WithDbAsync((db, _) => Task.FromResult(db.AuditEntries.OrderByDescending(a => a.Id).First()));
        Assert.Equal(("updated", "schedule"), (entry.Action, entry.EntityType));
        Assert.Equal(0, (await ApplyAsync(host.Admin(), zoned)).Body.GetProperty("updated").GetInt32());

        // The API's own PUT of a policy as it stands is no change either: no new version, no audit entry.
        var policy = await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/escalation-policies/payments-oncall");
        audit = await AuditCountAsync(host);
        var put = await host.Admin().PutAsJsonAsync("/api/v1/escalation-policies/payments-oncall", new
        {
            escalation_chain = new object[] { new { notify = "primary_engineer", wait = "5m" }, new { notify = "secondary_engineer", wait = "5m" }, new { notify = "engineering_manager", wait = "5m" } },
        });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(audit, await AuditCountAsync(host));
        Assert.Equal(policy.GetProperty("steps").GetRawText(), (await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/escalation-policies/payments-oncall")).GetProperty("steps").GetRawText());
    }
}
