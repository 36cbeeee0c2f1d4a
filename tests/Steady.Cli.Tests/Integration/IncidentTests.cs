using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Steady.Cli.Tests.Integration;

/// <summary>An incident run from the terminal: declare, update, note, act, resolve, close; the freeze a pipeline checks.</summary>
public sealed class IncidentTests(SteadyServer server) : IClassFixture<SteadyServer>, IDisposable
{
    private readonly Person _person = new();

    public void Dispose() => _person.Dispose();

    private async Task<string> ServiceAsync()
    {
        using var http = new HttpClient { BaseAddress = new Uri(server.Url) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", SteadyServer.AdminToken);
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var team = await http.PostAsJsonAsync("/api/v1/teams", new { name = "team-" + suffix });
        var teamId = (await team.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var service = await http.PostAsJsonAsync("/api/v1/services", new { name = "api-" + suffix, teamId });
        service.EnsureSuccessStatusCode();
        (await http.PatchAsJsonAsync($"/api/v1/services/api-{suffix}", new { stabilizationChecklist = new[] { "Pause the deploy pipeline" } })).EnsureSuccessStatusCode();
        _person.Environment["STEADY_SERVER"] = server.Url;
        _person.Environment["STEADY_TOKEN"] = SteadyServer.AdminToken;
        return "api-" + suffix;
    }

    [Fact]
    public async Task AnIncidentIsRunFromDeclareToCloseAndTheFreezeHoldsWhileItIsOpen()
    {
        var service = await ServiceAsync();
        (await _person.RunAsync("change", "record", "--service", service, "deploy v2.4.1", "--link", "https://ci.example.com/runs/812")).Succeeded();
        Assert.Equal(0, (await _person.RunAsync("freeze", "check", "--service", service)).Succeeded().ExitCode);

        var declared = (await _person.RunAsync("incident", "declare", "Checkout fails", "--severity", "SEV1", "--service", service)).Succeeded();
        var number = System.Text.RegularExpressions.Regex.Match(declared.Out, @"#(\d+)").Groups[1].Value;
        Assert.Contains("Stabilize first:\n  [ ] Pause the deploy pipeline", declared.Out, StringComparison.Ordinal);
        Assert.Contains("First update due", declared.Out, StringComparison.Ordinal);

        var frozen = await _person.RunAsync("freeze", "check", "--service", service);
        Assert.Contains($"SEV1 incident #{number} is open", frozen.SingleErrorLine(ExitCodes.Frozen), StringComparison.Ordinal);

        (await _person.RunAsync("incident", "update", number, "--known", "Checkout fails for 30%", "--doing", "Rolling back v2.4.1", "--unknown", "Why the pool drained", "--next", "20m")).Succeeded();
        (await _person.RunAsync("incident", "note", number, "First customer call", "--at", "10m", "--pin")).Succeeded();
        var action = (await _person.RunAsync("incident", "action", number, "--intent", "Roll back to v2.4.0", "--expect", "Errors stop within 5 minutes", "--done", "--observed", "Errors stopped", "--verdict", "as_expected")).Succeeded();
        Assert.Contains("observed: Errors stopped (as_expected)", action.Out, StringComparison.Ordinal);
        var badVerdict = await _person.RunAsync("incident", "action", number, "--intent", "Flush the cache", "--expect", "Fresh pages", "--done", "--observed", "Stale pages", "--verdict", "worse");
        Assert.Contains("'verdict' must be one of as_expected, no_effect, made_worse", badVerdict.SingleErrorLine(ExitCodes.Error), StringComparison.Ordinal);
        (await _person.RunAsync("incident", "sev", number, "SEV2", "--reason", "Only card payments affected")).Succeeded();
        Assert.Contains("already triage", (await _person.RunAsync("incident", "status", number, "triage")).SingleErrorLine(ExitCodes.Error), StringComparison.Ordinal);
        (await _person.RunAsync("incident", "status", number, "mitigating")).Succeeded();
        (await _person.RunAsync("incident", "status", number, "mitigated")).Succeeded();
        var backwards = await _person.RunAsync("incident", "status", number, "triage");
        Assert.Contains("needs a reason", backwards.SingleErrorLine(ExitCodes.Error), StringComparison.Ordinal);

        var show = (await _person.RunAsync("incident", "show", number)).Succeeded();
        Assert.Contains("SEV2 [mitigated] Checkout fails", show.Out, StringComparison.Ordinal);
        Assert.Contains("deploy v2.4.1", show.Out, StringComparison.Ordinal);
        Assert.Contains("* note", show.Out, StringComparison.Ordinal);

        var mine = (await _person.RunAsync("incident", "list", "--mine")).Succeeded();
        Assert.Contains("Checkout fails", mine.Out, StringComparison.Ordinal);
        Assert.Contains("commander", mine.Out, StringComparison.Ordinal);

        (await _person.RunAsync("incident", "status", number, "resolved")).Succeeded();
        Assert.Equal(0, (await _person.RunAsync("freeze", "check", "--service", service)).ExitCode);
        // What neither the command line nor the postmortem holds, the server asks for (it was a usage error while every part was required).
        var missing = await _person.RunAsync("incident", "close", number, "--what-happened", "x");
        Assert.Contains("'whatShouldChange' is required", missing.SingleErrorLine(ExitCodes.Error), StringComparison.Ordinal);
        var closed = (await _person.RunAsync("incident", "close", number, "--what-happened", "Checkout failed for 25 minutes", "--what-was-done", "Rolled back",
            "--failed-assumptions", "That the pool size was load-tested", "--what-should-change", "Load-test pool changes", "--cause", "v2.4.1 halved the pool")).Succeeded();
        Assert.Contains("is closed; a SEV2 needs a full postmortem", closed.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnIncidentsOwnChannelsAreSetOnDeclareAndEditedLater()
    {
        var service = await ServiceAsync();
        var declared = (await _person.RunAsync("incident", "declare", "Queue backs up", "--severity", "SEV3", "--service", service, "--channel", "email=ops@example.com", "--json")).Succeeded();
        var number = JsonDocument.Parse(declared.Out).RootElement.GetProperty("number").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture);

        var added = (await _person.RunAsync("incident", "channel", number, "--add", "slack=https://hooks.slack.example.com/services/T0/B0/secret")).Succeeded();
        Assert.Contains("ops@example.com", added.Out, StringComparison.Ordinal);
        Assert.Contains("https://hooks.slack.example.com/…", added.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", added.Out, StringComparison.Ordinal);

        var list = JsonDocument.Parse((await _person.RunAsync("incident", "channel", number, "--json")).Succeeded().Out).RootElement;
        var email = list.EnumerateArray().Single(c => c.GetProperty("kind").GetString() == "email").GetProperty("id").GetString()!;
        var removed = (await _person.RunAsync("incident", "channel", number, "--remove", email)).Succeeded();
        Assert.DoesNotContain("ops@example.com", removed.Out, StringComparison.Ordinal);

        Assert.Contains("KIND=ADDRESS", (await _person.RunAsync("incident", "channel", number, "--add", "slack")).SingleErrorLine(ExitCodes.Usage), StringComparison.Ordinal);
        // A SEV3 pages nobody: there is nothing to acknowledge, and the CLI says so in one line.
        Assert.Contains("Nothing is paging", (await _person.RunAsync("incident", "ack", number)).SingleErrorLine(ExitCodes.Error), StringComparison.Ordinal);
        Assert.Contains("must be one of", (await _person.RunAsync("incident", "channel", number, "--add", "sms=+4915112345678")).SingleErrorLine(ExitCodes.Error), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefusalsAreOneLineWithANonZeroExit()
    {
        var service = await ServiceAsync();
        (await _person.RunAsync("incident", "declare", "Reports slow", "--severity", "SEV3", "--service", service)).Succeeded();
        var list = (await _person.RunAsync("incident", "list", "--json")).Succeeded();
        var number = JsonDocument.Parse(list.Out).RootElement.EnumerateArray().First(i => i.GetProperty("title").GetString() == "Reports slow").GetProperty("number").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture);

        Assert.Contains("'SEV7' is not a severity", (await _person.RunAsync("incident", "declare", "x", "--severity", "SEV7", "--service", service)).SingleErrorLine(ExitCodes.Error), StringComparison.Ordinal);
        Assert.Contains("cannot be removed, only handed over", (await _person.RunAsync("incident", "role", number, "commander", "admin@steady.local", "--remove")).SingleErrorLine(ExitCodes.Error), StringComparison.Ordinal);
        Assert.Contains("'known' is required", (await _person.RunAsync("incident", "update", number, "--known", " ", "--doing", "x")).SingleErrorLine(ExitCodes.Error), StringComparison.Ordinal);
        Assert.Contains("not an incident number", (await _person.RunAsync("incident", "show", "abc")).SingleErrorLine(ExitCodes.Usage), StringComparison.Ordinal);
        Assert.Contains("was not found", (await _person.RunAsync("freeze", "check", "--service", "no-such-service")).SingleErrorLine(ExitCodes.Error), StringComparison.Ordinal);
    }
}
