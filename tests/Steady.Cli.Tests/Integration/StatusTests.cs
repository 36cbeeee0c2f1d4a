using System.Text.Json;
using System.Text.RegularExpressions;

namespace Steady.Cli.Tests.Integration;

/// <summary>steady status … and status pages in steady apply / export, against the real server.</summary>
public sealed class StatusTests(SteadyServer server) : IClassFixture<SteadyServer>, IDisposable
{
    private const string Page = """
        kind: team
        name: Shop team
        ---
        kind: service
        name: shop-api
        team: Shop team
        ---
        kind: status_page
        slug: shop
        name: Shop status
        groups:
          - name: Shop
            components:
              - name: Checkout
                service: shop-api
              - name: Search
        """;

    private readonly Person _person = AlertPeople.Responder(server);

    public void Dispose() => _person.Dispose();

    [Fact]
    public async Task ACommunicationsLeadRunsTheStatusPageFromTheCommandLine()
    {
        var file = Path.Combine(_person.Home, "status.yaml");
        await File.WriteAllTextAsync(file, Page, TestContext.Current.CancellationToken);
        (await _person.RunAsync("apply", "-f", file)).Succeeded();
        Assert.Contains("kind: status_page", (await _person.RunAsync("export")).Succeeded().Out, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^shop\s+Shop status\s+/status\s+yes", (await _person.RunAsync("status", "pages")).Succeeded().Out);

        Assert.Equal("Search is now degraded_performance.\n", (await _person.RunAsync("status", "set", "Search", "degraded_performance")).Succeeded().Out);
        var bad = await _person.RunAsync("status", "set", "Search", "sideways");
        Assert.Contains("sideways", bad.SingleErrorLine(ExitCodes.Usage), StringComparison.Ordinal);

        var opened = (await _person.RunAsync("status", "incident", "open", "Checkout failing", "--status", "investigating", "--body", "Card payments fail.", "--component", "Checkout=major_outage")).Succeeded();
        var id = Regex.Match(opened.Out, @"^Opened ([0-9a-f]{8}) \[investigating\] Checkout failing; subscribers are told\.$", RegexOptions.Multiline).Groups[1].Value;
        Assert.NotEmpty(id);
        var show = (await _person.RunAsync("status", "show")).Succeeded().Out;
        Assert.Matches(@"(?m)^Checkout\s+major_outage$", show);
        Assert.Contains($"{id} [investigating] Checkout failing", show, StringComparison.Ordinal);
        var empty = await _person.RunAsync("status", "incident", "update", id, "--status", "identified", "--body", " ");
        Assert.Contains("body", empty.SingleErrorLine(ExitCodes.Error), StringComparison.Ordinal);
        (await _person.RunAsync("status", "incident", "update", id, "--status", "resolved", "--body", "Payments work again.", "--component", "Checkout=operational")).Succeeded();
        Assert.Matches($@"(?m)^{id}\s+resolved\s+critical\s+Checkout failing", (await _person.RunAsync("status", "incident", "list")).Succeeded().Out);

        var scheduled = (await _person.RunAsync("status", "maintenance", "schedule", "Database upgrade", "--start", "2h", "--duration", "1h", "--component", "Checkout", "--silence-alerts")).Succeeded().Out;
        var maintenance = Regex.Match(scheduled, @"^Scheduled ([0-9a-f]{8}) Database upgrade: ", RegexOptions.Multiline).Groups[1].Value;
        Assert.Contains("alerts page nobody meanwhile", scheduled, StringComparison.Ordinal);
        Assert.Matches($@"(?m)^{maintenance}\s+scheduled\s+.*Database upgrade\s+Checkout$", (await _person.RunAsync("status", "maintenance", "list")).Succeeded().Out);
        var backwards = await _person.RunAsync("status", "maintenance", "schedule", "Backwards", "--start", "2026-01-01T10:00Z", "--duration", "1h");
        Assert.Contains("future", backwards.SingleErrorLine(ExitCodes.Error), StringComparison.Ordinal);
        Assert.Equal("Deleted Database upgrade.\n", (await _person.RunAsync("status", "maintenance", "delete", maintenance)).Succeeded().Out);

        (await _person.RunAsync("status", "subscribers", "add", "--webhook", "http://127.0.0.1:9/status-hook", "--component", "Checkout")).Succeeded();
        var subscribers = (await _person.RunAsync("status", "subscribers", "list")).Succeeded().Out;
        Assert.StartsWith("1 active, 0 awaiting confirmation, 0 failed (0 email, 1 webhook).", subscribers, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^[0-9a-f]{8}\s+webhook\s+http://127.0.0.1:9/status-hook\s+active\s+Checkout", subscribers);
        var csv = (await _person.RunAsync("status", "subscribers", "export")).Succeeded().Out;
        Assert.StartsWith("kind,address,state,components,", csv, StringComparison.Ordinal);
        Assert.Contains("webhook,http://127.0.0.1:9/status-hook,active,Checkout,", csv, StringComparison.Ordinal);
        using var list = JsonDocument.Parse((await _person.RunAsync("status", "subscribers", "list", "--json")).Succeeded().Out);
        var subscriber = list.RootElement.GetProperty("items")[0].GetProperty("id").GetString()!;
        Assert.Equal("Removed http://127.0.0.1:9/status-hook.\n", (await _person.RunAsync("status", "subscribers", "remove", subscriber)).Succeeded().Out);
    }
}
