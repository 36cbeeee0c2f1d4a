using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Steady.Cli.Tests.Integration;

/// <summary>A postmortem written, reviewed, published and exported from the terminal, and its action items added, dropped and done.</summary>
public sealed partial class PostmortemTests(SteadyServer server) : IClassFixture<SteadyServer>, IDisposable
{
    private readonly Person _person = new();

    public void Dispose() => _person.Dispose();

    private async Task<(string Service, string Me)> SetUpAsync()
    {
        using var http = new HttpClient { BaseAddress = new Uri(server.Url) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", SteadyServer.AdminToken);
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var team = await http.PostAsJsonAsync("/api/v1/teams", new { name = "pm-team-" + suffix });
        var teamId = (await team.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        (await http.PostAsJsonAsync("/api/v1/services", new { name = "pm-api-" + suffix, teamId })).EnsureSuccessStatusCode();
        var me = (await http.GetFromJsonAsync<JsonElement>("/api/v1/me")).GetProperty("user").GetProperty("id").GetGuid().ToString();
        _person.Environment["STEADY_SERVER"] = server.Url;
        _person.Environment["STEADY_TOKEN"] = SteadyServer.AdminToken;
        return ("pm-api-" + suffix, me);
    }

    [Fact]
    public async Task APostmortemIsWrittenPublishedAndExportedAndItsActionItemsDroppedAndDoneFromTheTerminal()
    {
        var (service, me) = await SetUpAsync();
        var declared = (await _person.RunAsync("incident", "declare", "Checkout certificate expired", "--severity", "SEV2", "--service", service)).Succeeded();
        var number = Regex.Match(declared.Out, @"#(\d+)").Groups[1].Value;
        (await _person.RunAsync("incident", "status", number, "resolved")).Succeeded();

        var show = (await _person.RunAsync("postmortem", "show", number)).Succeeded();
        Assert.Contains("Status draft", show.Out, StringComparison.Ordinal);
        Assert.Contains("## Root cause\n(not written yet: ", show.Out, StringComparison.Ordinal);

        var edited = (await _person.RunAsync("postmortem", "edit", number, "--summary", "Checkout refused TLS for 35 minutes", "--root-cause", "the DBA forgot to renew the certificate")).Succeeded();
        Assert.Contains("Blameless check (advice):", edited.Out, StringComparison.Ordinal);
        Assert.Contains("rootCause: \"forgot\"", edited.Out, StringComparison.Ordinal);

        (await _person.RunAsync("actions", "add", number, "--title", "Alert 21 days before expiry", "--type", "monitoring", "--owner", me, "--due", "+14d")).Succeeded();
        (await _person.RunAsync("actions", "add", number, "--title", "Renew automatically", "--type", "prevent", "--owner", me, "--due", "+21d", "--priority", "high")).Succeeded();
        var list = (await _person.RunAsync("actions", "list", "--incident", number)).Succeeded();
        var ids = ItemId().Matches(list.Out).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(2, ids.Count);
        Assert.Contains("Alert 21 days before expiry", list.Out, StringComparison.Ordinal);
        Assert.Contains("Renew automatically", (await _person.RunAsync("actions", "list", "--mine", "--type", "prevent")).Succeeded().Out, StringComparison.Ordinal);
        // In an 80-column terminal a row is one line: due as "Dec 21 (in 14d)", type and priority left to --wide.
        _person.Environment["COLUMNS"] = "80";
        var narrow = (await _person.RunAsync("actions", "list", "--incident", number)).Succeeded();
        _person.Environment.Remove("COLUMNS");
        Assert.All(narrow.Out.TrimEnd('\n').Split('\n'), line => Assert.True(line.Length <= 80, line));
        Assert.Matches(@"Renew automatically\s+#\d+\s+.+\s+[A-Z][a-z]{2} \d{1,2} \(in 21d\)\s+open", narrow.Out);
        var wide = (await _person.RunAsync("actions", "list", "--incident", number, "--wide")).Succeeded();
        Assert.Matches(@"Renew automatically\s+#\d+\s+prevent\s+.+\s+high\s+\d{4}-\d{2}-\d{2} \d{2}:\d{2} \(in 21d\)\s+open", wide.Out);

        Assert.Equal(ExitCodes.Usage, (await _person.RunAsync("actions", "drop", ids[0])).ExitCode);
        (await _person.RunAsync("actions", "drop", ids[0], "--reason", "the edge is being replaced in January")).Succeeded();
        (await _person.RunAsync("actions", "done", ids[1])).Succeeded();
        Assert.Contains("No action items here.", (await _person.RunAsync("actions", "list", "--incident", number)).Succeeded().Out, StringComparison.Ordinal);
        var all = (await _person.RunAsync("actions", "list", "--incident", number, "--status", "all")).Succeeded();
        Assert.Contains("not-doing: the edge is being replaced in January", all.Out, StringComparison.Ordinal);

        var early = await _person.RunAsync("postmortem", "publish", number);
        Assert.Contains("one step at a time", early.SingleErrorLine(ExitCodes.Error), StringComparison.Ordinal);
        (await _person.RunAsync("postmortem", "edit", number, "--status", "in-review")).Succeeded();
        (await _person.RunAsync("postmortem", "edit", number, "--status", "reviewed")).Succeeded();
        (await _person.RunAsync("postmortem", "publish", number)).Succeeded();

        var export = (await _person.RunAsync("postmortem", "export", number)).Succeeded();
        Assert.StartsWith($"# Postmortem: #{number} Checkout certificate expired", export.Out, StringComparison.Ordinal);
        foreach (var section in new[] { "## Summary", "## Impact", "## Trigger", "## Root cause", "## Contributing factors", "## Detection", "## Resolution", "## What went well", "## What went wrong", "## Where we got lucky", "## Timeline", "## Responders", "## Action items" })
            Assert.Contains(section + "\n", export.Out, StringComparison.Ordinal);
        Assert.Contains("the DBA forgot to renew the certificate", export.Out, StringComparison.Ordinal);
        Assert.Contains("| Renew automatically | prevent |", export.Out, StringComparison.Ordinal);
        Assert.Contains("- **Status:** published", export.Out, StringComparison.Ordinal);

        var file = Path.Combine(Path.GetTempPath(), $"steady-pm-{Guid.NewGuid():N}.md");
        try
        {
            (await _person.RunAsync("postmortem", "export", number, "-o", file)).Succeeded();
            Assert.Equal(export.Out, await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken));
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>A table row's short id: the first column.</summary>
    [GeneratedRegex(@"(?m)^([0-9a-f]{8,32})\s")]
    private static partial Regex ItemId();
}
