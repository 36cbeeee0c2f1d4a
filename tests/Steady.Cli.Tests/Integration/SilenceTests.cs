using System.Text.Json;

namespace Steady.Cli.Tests.Integration;

/// <summary>steady silence and steady maintenance against the real server: alerts they cover are marked and page nobody until they end.</summary>
public sealed class SilenceTests(SteadyServer server) : IClassFixture<SteadyServer>, IDisposable
{
    private readonly Person _person = AlertPeople.Responder(server);

    public void Dispose() => _person.Dispose();

    [Fact]
    public async Task ASilenceMarksOpenAlertsAndAlertsSentAfterItUntilItIsExpired()
    {
        var key = await _person.ServiceWithKeyAsync("db-svc");
        (await _person.RunAsync("alert", "send", "Disk full on db0", "--key", key, "--dedup-key", "handled", "--label", "alertname=DiskFull", "--label", "env=prod")).Succeeded();
        (await _person.RunAsync("alert", "send", "Disk full on db1", "--key", key, "--dedup-key", "before", "--label", "alertname=DiskFull", "--label", "env=prod")).Succeeded();
        var open = await _person.AlertsAsync("--service", "db-svc");
        var before = open[0];
        (await _person.RunAsync("alert", "ack", open[1].Short())).Succeeded();

        var added = (await _person.RunAsync("silence", "add", "--service", "db-svc", "--matcher", "alertname=DiskFull", "--matcher", "env=~prod|staging", "--duration", "2h", "--reason", "disk migration")).Succeeded();

        var lines = added.Lines();
        Assert.Equal(4, lines.Length);
        Assert.Matches(@"^Silenced alerts of db-svc matching alertname=""DiskFull"", env=~""prod\|staging"" until \d{4}-\d\d-\d\d \d\d:\d\d \(in 2h\)\.$", lines[0]);
        var silence = System.Text.RegularExpressions.Regex.Match(lines[1], @"^Silence ([0-9a-f]{8}) by Administrator: disk migration$").Groups[1].Value;
        Assert.NotEmpty(silence);
        // Both alerts already open are taken in (the acknowledged one and the one still paging).
        Assert.Equal("It also covers 2 matching alerts already open.", lines[2]);
        Assert.Equal($"End it early with: steady silence expire {silence}", lines[3]);

        var list = (await _person.RunAsync("silence", "list")).Succeeded();
        Assert.Matches(@"^ID\s+SERVICE\s+MATCHERS\s+ENDS\s+REASON\s+BY\n", list.Out);
        Assert.Matches($@"(?m)^{silence}\s+db-svc\s+alertname=""DiskFull"", env=~""prod\|staging""\s+.*\(in 2h\)\s+disk migration\s+Administrator$", list.Out);

        (await _person.RunAsync("alert", "send", "Disk full on db2", "--key", key, "--dedup-key", "silenced", "--label", "alertname=DiskFull", "--label", "env=staging")).Succeeded();
        (await _person.RunAsync("alert", "send", "Disk full on dev1", "--key", key, "--dedup-key", "dev", "--label", "alertname=DiskFull", "--label", "env=dev")).Succeeded();

        var alerts = (await _person.AlertsAsync("--service", "db-svc")).ToDictionary(a => a.GetProperty("dedupKey").GetString()!);
        Assert.EndsWith(silence, alerts["silenced"].GetProperty("silencedBy").GetString()!.Replace("-", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, alerts["dev"].GetProperty("silencedBy").ValueKind);
        Assert.EndsWith(silence, alerts["before"].GetProperty("silencedBy").GetString()!.Replace("-", "", StringComparison.Ordinal), StringComparison.Ordinal);
        var table = (await _person.RunAsync("alert", "list", "--service", "db-svc")).Succeeded();
        Assert.Matches($@"(?m)^{alerts["silenced"].Short()}\s+warning\s+triggered, silenced\s+Disk full on db2\s", table.Out);
        var show = (await _person.RunAsync("alert", "show", alerts["silenced"].Short())).Succeeded();
        Assert.Matches($@"(?m)^Silenced:\s+by silence {silence}: nobody is paged for it until the silence ends$", show.Out);
        Assert.Matches(@"(?m)^  .*\s+silenced\s+Administrator\s+disk migration$", show.Out);

        var expired = (await _person.RunAsync("silence", "expire", silence)).Succeeded();

        Assert.Equal($"Expired silence {silence} (alertname=\"DiskFull\", env=~\"prod|staging\"): its alerts still triggered page now, and new ones page as usual.\n", expired.Out);
        // The mark comes off every alert it covered, the acknowledged one too; expiring it again is refused.
        Assert.All(await _person.AlertsAsync("--service", "db-svc"), a => Assert.Equal(JsonValueKind.Null, a.GetProperty("silencedBy").ValueKind));
        var again = await _person.RunAsync("silence", "expire", silence);
        Assert.Matches(@"^steady: This silence already expired at \d{4}-\d\d-\d\d \d\d:\d\d UTC; there is nothing to expire\.$", again.SingleErrorLine(ExitCodes.Error));
        Assert.DoesNotContain(silence, (await _person.RunAsync("silence", "list")).Succeeded().Out, StringComparison.Ordinal);
        Assert.Matches($@"(?m)^{silence}\s+expired\s+db-svc\s+", (await _person.RunAsync("silence", "list", "--all")).Succeeded().Out);
        (await _person.RunAsync("alert", "send", "Disk full on db3", "--key", key, "--dedup-key", "after", "--label", "alertname=DiskFull", "--label", "env=prod")).Succeeded();
        var after = (await _person.AlertsAsync("--service", "db-svc")).Single(a => a.GetProperty("dedupKey").GetString() == "after");
        Assert.Equal(JsonValueKind.Null, after.GetProperty("silencedBy").ValueKind);
    }

    [Fact]
    public async Task ASilenceOfSecondsEndsAtTheTimeAskedAndJsonIsTheServers()
    {
        await _person.ServiceWithKeyAsync("short-svc");
        var started = DateTimeOffset.UtcNow;

        var added = (await _person.RunAsync("silence", "add", "--service", "short-svc", "--matcher", "job!~batch-.*", "--duration", "90s", "--reason", "flaky probe", "--json")).Succeeded();

        using var json = JsonDocument.Parse(added.Out);
        var root = json.RootElement;
        Assert.True(root.GetProperty("active").GetBoolean());
        var endsAt = root.GetProperty("endsAt").GetDateTimeOffset();
        Assert.InRange(endsAt, started.AddSeconds(85), DateTimeOffset.UtcNow.AddSeconds(95));
        var matcher = Assert.Single(root.GetProperty("matchers").EnumerateArray());
        Assert.Equal("job", matcher.GetProperty("name").GetString());
        Assert.True(matcher.GetProperty("isRegex").GetBoolean());
        Assert.False(matcher.GetProperty("isEqual").GetBoolean());

        var list = (await _person.RunAsync("silence", "list", "--json")).Succeeded();
        using var listed = JsonDocument.Parse(list.Out);
        Assert.Contains(listed.RootElement.EnumerateArray(), s => s.GetProperty("id").GetString() == root.GetProperty("id").GetString());
        (await _person.RunAsync("silence", "expire", root.GetProperty("id").GetString()!)).Succeeded();
    }

    [Fact]
    public async Task ASilenceAcrossEveryServiceIsForAdminsAndSaysSo()
    {
        var key = await _person.ServiceWithKeyAsync("net-svc");
        (await _person.RunAsync("alert", "send", "Packet loss", "--key", key, "--label", "testcase=every-service")).Succeeded();
        var standing = Assert.Single(await _person.AlertsAsync("--service", "net-svc"));

        var added = (await _person.RunAsync("silence", "add", "--all-services", "--matcher", "testcase=every-service", "--duration", "1h", "--reason", "network maintenance")).Succeeded();

        Assert.StartsWith("Silenced alerts of every service matching testcase=\"every-service\" until ", added.Out, StringComparison.Ordinal);
        Assert.Contains("\nIt also covers 1 matching alert already open.\n", added.Out, StringComparison.Ordinal);
        Assert.NotEqual(JsonValueKind.Null, Assert.Single(await _person.AlertsAsync("--service", "net-svc")).GetProperty("silencedBy").ValueKind);
        var id = System.Text.RegularExpressions.Regex.Match(added.Out, @"(?m)^Silence ([0-9a-f]{8}) ").Groups[1].Value;
        Assert.Matches($@"(?m)^{id}\s+\(every service\)\s+testcase=""every-service""", (await _person.RunAsync("silence", "list")).Succeeded().Out);
        (await _person.RunAsync("silence", "expire", id)).Succeeded();
    }

    [Fact]
    public async Task ExpiringASilenceThatDoesNotExistIsOneLine()
    {
        var result = await _person.RunAsync("silence", "expire", "abcdef12");

        Assert.Equal("steady: no silence has an id with 'abcdef12' in it; see 'steady silence list --all'", result.SingleErrorLine(ExitCodes.Error));
    }

    [Fact]
    public async Task MaintenanceMarksAlertsThatFireDuringItUntilItEnds()
    {
        var key = await _person.ServiceWithKeyAsync("kernel-svc");

        var started = (await _person.RunAsync("maintenance", "start", "--service", "kernel-svc", "--duration", "1h", "--reason", "kernel upgrade")).Succeeded();

        var lines = started.Lines();
        var window = System.Text.RegularExpressions.Regex.Match(lines[0], @"^Maintenance ([0-9a-f]{8}) on kernel-svc until \d{4}-\d\d-\d\d \d\d:\d\d \(in 1h\): kernel upgrade$").Groups[1].Value;
        Assert.NotEmpty(window);
        Assert.Equal("Its alerts, open now or firing meanwhile, are stored and page nobody until it ends; those still triggered then page.", lines[1]);
        Assert.Equal($"End it early with: steady maintenance end --service kernel-svc {window}", lines[2]);
        var list = (await _person.RunAsync("maintenance", "list", "--service", "kernel-svc")).Succeeded();
        Assert.Matches(@"^ID\s+STATUS\s+STARTS\s+ENDS\s+REASON\s+BY\n", list.Out);
        Assert.Matches($@"(?m)^{window}\s+active\s+.*\(just now\)\s+.*\(in 1h\)\s+kernel upgrade\s+Administrator$", list.Out);

        (await _person.RunAsync("alert", "send", "Node rebooting", "--key", key, "--dedup-key", "during")).Succeeded();
        var during = Assert.Single(await _person.AlertsAsync("--service", "kernel-svc"));
        Assert.Matches($@"(?m)^{during.Short()}\s+warning\s+triggered, maintenance\s+Node rebooting", (await _person.RunAsync("alert", "list", "--service", "kernel-svc")).Succeeded().Out);

        var ended = (await _person.RunAsync("maintenance", "end", "--service", "kernel-svc", window)).Succeeded();

        Assert.Equal($"Ended maintenance {window} on kernel-svc: its alerts still triggered page now, and new ones page as usual.\n", ended.Out);
        Assert.Equal(JsonValueKind.Null, Assert.Single(await _person.AlertsAsync("--service", "kernel-svc")).GetProperty("maintenanceId").ValueKind);
        var again = await _person.RunAsync("maintenance", "end", "--service", "kernel-svc", window);
        Assert.Matches(@"^steady: This maintenance window already ended at \d{4}-\d\d-\d\d \d\d:\d\d UTC; there is nothing to end\.$", again.SingleErrorLine(ExitCodes.Error));
        Assert.Matches($@"(?m)^{window}\s+ended\s+", (await _person.RunAsync("maintenance", "list", "--service", "kernel-svc")).Succeeded().Out);
        (await _person.RunAsync("alert", "send", "Node down", "--key", key, "--dedup-key", "after")).Succeeded();
        var after = (await _person.AlertsAsync("--service", "kernel-svc")).Single(a => a.GetProperty("dedupKey").GetString() == "after");
        Assert.Equal(JsonValueKind.Null, after.GetProperty("maintenanceId").ValueKind);
    }

    [Fact]
    public async Task MaintenanceOnAServiceThatDoesNotExistIsOneLine()
    {
        var result = await _person.RunAsync("maintenance", "start", "--service", "ghost", "--duration", "1h", "--reason", "nothing");

        Assert.Equal("steady: Service 'ghost' was not found.", result.SingleErrorLine(ExitCodes.Error));
    }
}
