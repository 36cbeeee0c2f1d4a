using System.Text.RegularExpressions;
using System.Net.Http.Json;
using System.Text.Json;

namespace Steady.Cli.Tests.Integration;

/// <summary>steady alert send | list | show | ack | resolve against the real server.</summary>
public sealed class AlertTests(SteadyServer server) : IClassFixture<SteadyServer>, IDisposable
{
    private readonly Person _person = AlertPeople.Responder(server);

    public void Dispose() => _person.Dispose();

    [Fact]
    public async Task AnAlertSentWithAKeyFiresRepeatsAndResolves()
    {
        var key = await _person.ServiceWithKeyAsync("disk-svc");
        string[] send = ["alert", "send", "Disk /var 97% full on db1", "--key", key, "--severity", "critical", "--dedup-key", "disk-db1", "--label", "env=prod", "--source", "db1", "--link", "https://grafana.example/d/disk"];

        var fired = (await _person.RunAsync(send)).Succeeded();
        (await _person.RunAsync(send)).Succeeded();

        Assert.Equal("Sent critical alert \"Disk /var 97% full on db1\" (dedup key disk-db1): accepted.\n", fired.Out);
        var alert = Assert.Single(await _person.AlertsAsync("--service", "disk-svc"));
        Assert.Equal(2, alert.GetProperty("eventCount").GetInt32());
        Assert.Equal("critical", alert.GetProperty("severity").GetString());
        Assert.Equal("triggered", alert.GetProperty("status").GetString());
        Assert.Equal("db1", alert.GetProperty("source").GetString());
        Assert.Equal("prod", alert.GetProperty("labels").GetProperty("env").GetString());
        Assert.Equal("https://grafana.example/d/disk", alert.GetProperty("links")[0].GetProperty("href").GetString());
        var table = (await _person.RunAsync("alert", "list", "--service", "disk-svc")).Succeeded();
        Assert.Matches(@"^ID\s+SEVERITY\s+STATUS\s+SUMMARY\s+SERVICE\s+COUNT\s+LAST SEEN\n", table.Out);
        Assert.Matches($@"(?m)^{alert.Short()}\s+critical\s+triggered\s+Disk /var 97% full on db1\s+disk-svc\s+2\s+just now$", table.Out);
        Assert.EndsWith("\n1 open: 1 critical; 1 not acknowledged.\n", table.Out, StringComparison.Ordinal);

        var resolved = (await _person.RunAsync("alert", "send", "--key", key, "--dedup-key", "disk-db1", "--resolve")).Succeeded();

        Assert.Equal("Resolve sent (dedup key disk-db1): accepted.\n", resolved.Out);
        Assert.Equal("No open alerts match.\n", (await _person.RunAsync("alert", "list", "--service", "disk-svc")).Succeeded().Out);
        var after = Assert.Single(await _person.AlertsAsync("--service", "disk-svc", "--status", "resolved"));
        Assert.Equal(alert.Id(), after.Id());
    }

    [Fact]
    public async Task TheKeyCanComeFromTheEnvironmentOrBeLookedUpByServiceName()
    {
        var key = await _person.ServiceWithKeyAsync("env-svc");
        using var script = new Person();
        script.Environment["STEADY_SERVER"] = server.Url;
        script.Environment["STEADY_INTEGRATION_KEY"] = key;

        // No API token at all: intake needs only the key.
        (await script.RunAsync("alert", "send", "Backup failed on db2")).Succeeded();
        var byName = (await _person.RunAsync("alert", "send", "Replication lag on db2", "--service", "env-svc", "--severity", "error")).Succeeded();

        Assert.Equal("Sent error alert \"Replication lag on db2\" to env-svc: accepted.\nSee it with: steady alert list --service env-svc\n", byName.Out);
        var alerts = await _person.AlertsAsync("--service", "env-svc");
        Assert.Equal(["Replication lag on db2", "Backup failed on db2"], alerts.Select(a => a.GetProperty("summary").GetString()));
        Assert.Equal(["error", "warning"], alerts.Select(a => a.GetProperty("severity").GetString()));
    }

    [Fact]
    public async Task AnUnknownKeyIsOneLineThatDoesNotRepeatTheKey()
    {
        var result = await _person.RunAsync("alert", "send", "Disk full", "--key", "deadbeefdeadbeefdeadbeefdeadbeef");

        Assert.Equal(
            $"steady: {server.Url} has no active integration key 'dead…' (from --key): it is unknown or revoked; see 'steady service key list SERVICE'",
            result.SingleErrorLine(ExitCodes.Error));
    }

    [Fact]
    public async Task AServiceWithoutKeysSaysHowToMakeOne()
    {
        (await _person.RunAsync("team", "create", "keyless-team")).Succeeded();
        (await _person.RunAsync("service", "create", "keyless", "--team", "keyless-team")).Succeeded();

        var result = await _person.RunAsync("alert", "send", "Disk full", "--service", "keyless");

        Assert.Equal("steady: keyless has no active integration key to send with; create one with 'steady service key create keyless'", result.SingleErrorLine(ExitCodes.Error));
    }

    [Fact]
    public async Task ListFiltersByServiceLabelStatusTimeAndLimit()
    {
        var key = await _person.ServiceWithKeyAsync("filter-svc");
        (await _person.RunAsync("alert", "send", "A", "--key", key, "--dedup-key", "a", "--label", "env=prod")).Succeeded();
        (await _person.RunAsync("alert", "send", "B", "--key", key, "--dedup-key", "b", "--label", "env=staging")).Succeeded();
        (await _person.RunAsync("alert", "send", "C", "--key", key, "--dedup-key", "c", "--label", "env=prod", "--label", "team=db")).Succeeded();

        Assert.Equal(["C", "A"], (await _person.AlertsAsync("--service", "filter-svc", "--label", "env=prod")).Select(a => a.GetProperty("summary").GetString()));
        Assert.Equal(["C"], (await _person.AlertsAsync("--service", "filter-svc", "--label", "env=prod", "--label", "team=db")).Select(a => a.GetProperty("summary").GetString()));
        Assert.Equal(3, (await _person.AlertsAsync("--service", "filter-svc", "--since", "1h")).Count);
        Assert.Empty(await _person.AlertsAsync("--service", "filter-svc", "--since", "2099-01-01T00:00Z"));
        Assert.Equal(["C", "B"], (await _person.AlertsAsync("--service", "filter-svc", "--limit", "2")).Select(a => a.GetProperty("summary").GetString()));

        var limited = (await _person.RunAsync("alert", "list", "--service", "filter-svc", "--limit", "1")).Succeeded();
        var lines = limited.Lines();
        Assert.Equal(3, lines.Length);
        Assert.Matches(@"^[0-9a-f]{8}\s+warning\s+triggered\s+C\s+filter-svc\s+1\s+just now$", lines[1]);
        Assert.Equal("Showing the newest 1; more match (--limit 100 shows more).", lines[2]);
        Assert.Equal("No acknowledged alerts match.\n", (await _person.RunAsync("alert", "list", "--service", "filter-svc", "--status", "acknowledged")).Succeeded().Out);
    }

    [Fact]
    public async Task ListingAnUnknownServiceIsOneLine()
    {
        var result = await _person.RunAsync("alert", "list", "--service", "ghost");

        Assert.Equal("steady: Service 'ghost' was not found.", result.SingleErrorLine(ExitCodes.Error));
    }

    [Fact]
    public async Task ShowTellsWhatFiredWhatHappenedAndHowToAct()
    {
        var key = await _person.ServiceWithKeyAsync("show-svc", "--runbook", "https://runbooks.example/show-svc");
        (await _person.RunAsync("alert", "send", "Disk /var 97% full on db1", "--key", key, "--severity", "critical", "--dedup-key", "disk",
            "--label", "env=prod", "--label", "alertname=DiskFull", "--source", "db1", "--link", "https://grafana.example/d/disk",
            "--details", "{\"mount\": \"/var\", \"used\": 97}")).Succeeded();
        var alert = Assert.Single(await _person.AlertsAsync("--service", "show-svc"));

        var triggered = (await _person.RunAsync("alert", "show", alert.Short())).Succeeded();

        Assert.StartsWith("CRITICAL  Disk /var 97% full on db1\n\n", triggered.Out, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^Status:\s+triggered just now, not acknowledged$", triggered.Out);
        Assert.Matches(@"(?m)^Service:\s+show-svc\nRunbook:\s+https://runbooks\.example/show-svc$", triggered.Out);
        Assert.Matches($@"(?m)^Id:\s+{alert.Id()} \(short: {alert.Short()}\)$", triggered.Out);
        Assert.Matches(@"(?m)^Source:\s+db1$", triggered.Out);
        Assert.Matches(@"(?m)^Last seen:\s+\d{4}-\d\d-\d\d \d\d:\d\d \(just now\), 1 event$", triggered.Out);
        Assert.Contains("\nLabels:\n  alertname=DiskFull\n  env=prod\n", triggered.Out, StringComparison.Ordinal);
        Assert.Contains("\nLinks:\n  -     https://grafana.example/d/disk\n", triggered.Out, StringComparison.Ordinal);
        Assert.Contains("\nDetails:\n  {\n    \"mount\": \"/var\",\n    \"used\": 97\n  }\n", triggered.Out, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^History:\n  \d{4}-\d\d-\d\d \d\d:\d\d \(just now\)\s+triggered\s+intake\s+-$", triggered.Out);
        Assert.EndsWith($"\nAcknowledge: steady alert ack {alert.Short()}    Resolve: steady alert resolve {alert.Short()}\n", triggered.Out, StringComparison.Ordinal);

        (await _person.RunAsync("alert", "ack", alert.Id())).Succeeded();
        var acknowledged = (await _person.RunAsync("alert", "show", alert.Id())).Succeeded();

        Assert.Matches(@"(?m)^Status:\s+acknowledged by Administrator just now$", acknowledged.Out);
        Assert.Matches(@"(?m)^  .*\(just now\)\s+acknowledged\s+Administrator\s+-$", acknowledged.Out);
        Assert.EndsWith($"\nResolve: steady alert resolve {alert.Short()} --note 'what fixed it'\n", acknowledged.Out, StringComparison.Ordinal);

        var json = (await _person.RunAsync("alert", "show", alert.Short(), "--json")).Succeeded();
        using var document = JsonDocument.Parse(json.Out);
        Assert.Equal(alert.Id(), document.RootElement.GetProperty("alert").GetProperty("id").GetString());
        Assert.Equal(["triggered", "acknowledged"], document.RootElement.GetProperty("history").EnumerateArray().Select(e => e.GetProperty("kind").GetString()));
    }

    [Fact]
    public async Task ShowSaysWhenANewAlertJoinedAGroupSomeoneAcknowledgedAndWhoWasPaged()
    {
        var key = await _person.ServiceWithKeyAsync("joined-svc");
        var setup = Path.Combine(_person.Home, "joined-svc.yaml");
        await File.WriteAllTextAsync(setup, """
            kind: user
            name: Ana Joined
            email: ana.joined@example.com
            ---
            kind: escalation_policy
            name: joined-oncall
            team: joined-svc-team
            escalation_chain:
              - notify: ana.joined@example.com
            ---
            kind: service
            name: joined-svc
            team: joined-svc-team
            escalation_policy: joined-oncall
            group_by: []
            """, TestContext.Current.CancellationToken);
        (await _person.RunAsync("apply", "-f", setup)).Succeeded();
        (await _person.RunAsync("alert", "send", "Disk /var full on db1", "--key", key, "--dedup-key", "disk", "--severity", "warning")).Succeeded();
        var disk = Assert.Single(await _person.AlertsAsync("--service", "joined-svc"));
        (await _person.RunAsync("alert", "ack", disk.Short())).Succeeded();

        (await _person.RunAsync("alert", "send", "Load high on db1", "--key", key, "--dedup-key", "load", "--severity", "warning")).Succeeded();
        var load = Assert.Single(await _person.AlertsAsync("--service", "joined-svc", "--status", "triggered"));
        var show = (await _person.RunAsync("alert", "show", load.Short())).Succeeded();

        Assert.Matches(@"(?m)^Paging:\s+New alert in an acknowledged group: it joined ""Disk /var full on db1"", which Administrator acknowledged at \d\d:\d\d UTC: Administrator is paged about it \(new alert in a group you acknowledged\); the group stays acknowledged\.$", show.Out);
        Assert.Matches(@"(?m)^  .*\s+joined-acknowledged-group\s+steady\s+joined ", show.Out);
    }

    [Fact]
    public async Task InAnEightyColumnTerminalTheListKeepsEachAlertOnOneLineWithItsSummaryReadable()
    {
        var key = await _person.ServiceWithKeyAsync("narrow-payments-api");
        (await _person.RunAsync("alert", "send", "Checkout error rate above 5% on every web node", "--key", key, "--dedup-key", "5xx", "--severity", "critical")).Succeeded();
        (await _person.RunAsync("alert", "send", "Disk /var above 90% on db-primary-1", "--key", key, "--dedup-key", "disk", "--severity", "warning")).Succeeded();
        var disk = (await _person.AlertsAsync("--service", "narrow-payments-api")).Single(a => a.GetProperty("dedupKey").GetString() == "disk");
        (await _person.RunAsync("alert", "ack", disk.Short())).Succeeded();

        _person.Environment["COLUMNS"] = "80";
        var narrow = (await _person.RunAsync("alert", "list", "--service", "narrow-payments-api")).Succeeded();
        _person.Environment.Remove("COLUMNS");

        var lines = narrow.Out.TrimEnd('\n').Split('\n');
        Assert.All(lines, line => Assert.True(line.Length <= 80, line));
        Assert.Matches(@"^ID\s+SEV\s+STATUS\s+SUMMARY\s+SERVICE\s+LAST SEEN$", lines[0]);
        Assert.True(Regex.IsMatch(narrow.Out, $@"(?m)^{disk.Short()}\s+warn\s+acked\s+Disk /var above 90%\S*\s+narrow-payments-api\s+just now$"), narrow.Out);
        Assert.True(Regex.IsMatch(narrow.Out, @"(?m)^[0-9a-f]{8}\s+crit\s+triggered\s+Checkout error rate"), narrow.Out);
        // To a file or a pipe (no COLUMNS), the full table as before.
        var full = (await _person.RunAsync("alert", "list", "--service", "narrow-payments-api")).Succeeded();
        Assert.Matches(@"^ID\s+SEVERITY\s+STATUS\s+SUMMARY\s+SERVICE\s+COUNT\s+LAST SEEN\n", full.Out);
    }

    [Fact]
    public async Task ShowListsTheEarlierOccurrencesOfAnAlertThatFiredAgain()
    {
        var key = await _person.ServiceWithKeyAsync("again-svc");
        (await _person.RunAsync("alert", "send", "Queue backlog", "--key", key, "--dedup-key", "queue")).Succeeded();
        (await _person.RunAsync("alert", "send", "--key", key, "--dedup-key", "queue", "--resolve")).Succeeded();
        (await _person.RunAsync("alert", "send", "Queue backlog", "--key", key, "--dedup-key", "queue")).Succeeded();
        var alerts = await _person.AlertsAsync("--service", "again-svc", "--status", "all");

        var show = (await _person.RunAsync("alert", "show", alerts[0].Short())).Succeeded();

        Assert.Matches(@"(?m)^Occurrence:\s+2 \(fired and resolved before; see Occurrences\)$", show.Out);
        Assert.Matches(@"(?m)^Occurrences:\n  #\s+ID\s+STATUS\s+FIRED\s+RESOLVED\s+EVENTS\n  2 \(this\)\s+[0-9a-f]{8}\s+triggered\s+.*\n  1\s+[0-9a-f]{8}\s+resolved\s+", show.Out);
    }

    [Fact]
    public async Task SeveralAlertsAreAcknowledgedAndResolvedAtOnceByFullOrShortId()
    {
        var key = await _person.ServiceWithKeyAsync("many-svc");
        foreach (var name in new[] { "one", "two", "three" })
            (await _person.RunAsync("alert", "send", $"Alert {name}", "--key", key, "--dedup-key", name)).Succeeded();
        var alerts = await _person.AlertsAsync("--service", "many-svc");

        var ack = (await _person.RunAsync("alert", "ack", alerts[0].Id(), alerts[1].Short())).Succeeded();

        Assert.Equal(
            [$"Acknowledged {alerts[0].Short()}: warning · Alert three · many-svc", $"Acknowledged {alerts[1].Short()}: warning · Alert two · many-svc"],
            ack.Lines());
        var again = (await _person.RunAsync("alert", "ack", alerts[1].Short()[..6])).Succeeded();
        Assert.Equal($"{alerts[1].Short()} was already acknowledged by Administrator just now: warning · Alert two · many-svc\n", again.Out);
        Assert.Equal(["acknowledged", "acknowledged", "triggered"], (await _person.AlertsAsync("--service", "many-svc")).Select(a => a.GetProperty("status").GetString()));

        var resolve = (await _person.RunAsync("alert", "resolve", alerts[0].Short(), alerts[1].Short(), alerts[2].Short(), "--note", "restarted the consumer", "--json")).Succeeded();

        using (var json = JsonDocument.Parse(resolve.Out))
            Assert.Equal(["resolved", "resolved", "resolved"], json.RootElement.EnumerateArray().Select(a => a.GetProperty("status").GetString()));
        Assert.Equal("No open alerts match.\n", (await _person.RunAsync("alert", "list", "--service", "many-svc")).Succeeded().Out);
        var show = (await _person.RunAsync("alert", "show", alerts[2].Short())).Succeeded();
        Assert.Matches(@"(?m)^  .*\(just now\)\s+resolved\s+Administrator\s+restarted the consumer$", show.Out);
    }

    [Fact]
    public async Task AcknowledgingAResolvedAlertIsOneLineAndTheOthersStillGoThrough()
    {
        var key = await _person.ServiceWithKeyAsync("conflict-svc");
        (await _person.RunAsync("alert", "send", "Gone already", "--key", key, "--dedup-key", "gone")).Succeeded();
        (await _person.RunAsync("alert", "send", "Still here", "--key", key, "--dedup-key", "here")).Succeeded();
        var alerts = await _person.AlertsAsync("--service", "conflict-svc");
        var (here, gone) = (alerts[0], alerts[1]);
        (await _person.RunAsync("alert", "resolve", gone.Short())).Succeeded();

        var result = await _person.RunAsync("alert", "ack", gone.Short(), here.Short());

        Assert.Equal($"steady: cannot acknowledge {gone.Short()}: The alert was already resolved just now by Administrator.", result.SingleErrorLine(ExitCodes.Error));
        Assert.Equal([$"Acknowledged {here.Short()}: warning · Still here · conflict-svc"], result.Lines());
    }

    [Fact]
    public async Task AnIdThatMatchesNoAlertIsOneLine()
    {
        var ack = await _person.RunAsync("alert", "ack", "ffffffff");
        var show = await _person.RunAsync("alert", "show", "00000000-0000-7000-8000-000000000000");

        Assert.Equal(
            "steady: cannot acknowledge ffffffff: no open alert, nor any of the 500 newest, has an id with 'ffffffff' in it; give the full id (see 'steady alert list --status all --json')",
            ack.SingleErrorLine(ExitCodes.Error));
        Assert.Equal("steady: The alert was not found.", show.SingleErrorLine(ExitCodes.Error));
    }

    [Fact]
    public async Task AlertsStoredInOneBatchStillGetShortIdsThatTellThemApart()
    {
        var key = await _person.ServiceWithKeyAsync("storm-svc");
        // Every alert of the service in one group, chosen explicitly: by default each generic dedup key is its own group.
        var grouping = Path.Combine(_person.Home, "storm-svc.yaml");
        await File.WriteAllTextAsync(grouping, "kind: service\nname: storm-svc\nteam: storm-svc-team\ngroup_by: []\n", TestContext.Current.CancellationToken);
        (await _person.RunAsync("apply", "-f", grouping)).Succeeded();
        using var http = new HttpClient { BaseAddress = new Uri(server.Url) };
        var storm = Enumerable.Range(0, 40).Select(i => new { summary = $"edge-{i}: upstream errors", dedup_key = $"edge-{i}", severity = "error" }).ToArray();
        using (var response = await http.PostAsJsonAsync($"/intake/{key}/generic", storm, TestContext.Current.CancellationToken))
            response.EnsureSuccessStatusCode();

        var table = (await _person.RunAsync("alert", "list", "--service", "storm-svc")).Succeeded();

        var lines = table.Lines();
        Assert.Equal("40 open: 40 error; 40 not acknowledged.", lines[^1]);
        var shorts = lines[1..^1].Select(l => l.Split(' ')[0]).ToList();
        Assert.Equal(40, shorts.Count);
        Assert.Equal(40, shorts.Distinct().Count());
        var ack = (await _person.RunAsync("alert", "ack", shorts[17])).Succeeded();
        Assert.StartsWith($"Acknowledged {shorts[17]}: error · ", ack.Out, StringComparison.Ordinal);

        // One storm is one group, and show says how to list it.
        var show = (await _person.RunAsync("alert", "show", shorts[17])).Succeeded();
        var group = System.Text.RegularExpressions.Regex.Match(show.Out, @"(?m)^Group:\s+40 of 40 alerts open: steady alert list --status all --group ([0-9a-f-]{36})$").Groups[1].Value;
        Assert.NotEmpty(group);
        Assert.Equal(40, (await _person.AlertsAsync("--group", group)).Count);
        Assert.Equal("40 open: 40 error; 39 not acknowledged.", (await _person.RunAsync("alert", "list", "--service", "storm-svc")).Succeeded().Lines()[^1]);
    }

    [Fact]
    public async Task AnAlertInAnIncidentSaysSoWithItsLinkAndAcknowledgingTheIncidentAcknowledgesIt()
    {
        var key = await _person.ServiceWithKeyAsync("inc-svc");
        (await _person.RunAsync("alert", "send", "Checkout 5xx above 10%", "--key", key, "--severity", "critical", "--dedup-key", "checkout-5xx")).Succeeded();
        var alert = Assert.Single(await _person.AlertsAsync("--service", "inc-svc"));
        var declared = (await _person.RunAsync("incident", "declare", "Checkout failing", "--severity", "SEV3", "--alert", alert.Id(), "--summary", "5xx since the deploy", "--json")).Succeeded();
        var number = JsonDocument.Parse(declared.Out).RootElement.GetProperty("number").GetInt32();

        // Declaring again from the same alert is refused, naming the incident that has it.
        var again = await _person.RunAsync("incident", "declare", "Checkout failing again", "--severity", "SEV2", "--alert", alert.Id());
        Assert.Contains($"already in incident #{number}", again.SingleErrorLine(ExitCodes.Error), StringComparison.Ordinal);

        var show = (await _person.RunAsync("alert", "show", alert.Short())).Succeeded();
        Assert.Contains($"Incident:    #{number} SEV3 (triage) Checkout failing: {server.Url}/incidents/{number}\n", show.Out, StringComparison.Ordinal);
        Assert.Contains($"Its incident: steady incident show {number}    Acknowledge it (and this alert): steady incident ack {number}", show.Out, StringComparison.Ordinal);
        Assert.Matches($@"(?m)^{alert.Short()}\s+critical\s+triggered, incident #{number}\s", (await _person.RunAsync("alert", "list", "--service", "inc-svc")).Succeeded().Out);
        Assert.Equal(number, Assert.Single(await _person.AlertsAsync("--service", "inc-svc")).GetProperty("incident").GetProperty("number").GetInt32());
        var incident = (await _person.RunAsync("incident", "show", number.ToString(System.Globalization.CultureInfo.InvariantCulture))).Succeeded();
        Assert.Contains("Known when declared: 5xx since the deploy", incident.Out, StringComparison.Ordinal);
        Assert.Contains($"Page: {server.Url}/incidents/{number}", incident.Out, StringComparison.Ordinal);

        (await _person.RunAsync("incident", "ack", number.ToString(System.Globalization.CultureInfo.InvariantCulture))).Succeeded();
        var acknowledged = Assert.Single(await _person.AlertsAsync("--service", "inc-svc"));
        Assert.Equal("acknowledged", acknowledged.GetProperty("status").GetString());
    }
}
