using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Steady.Host.Journal;
using Steady.Host.Tests.Journal;

namespace Steady.Cli.Tests.Integration;

/// <summary>Host evidence into a real server's incident: a journal window imported twice lands once at its original times; a snapshot of this machine becomes evidence.</summary>
public sealed class TimelineImportServerTests(SteadyServer server) : IClassFixture<SteadyServer>, IDisposable
{
    private readonly Person _person = new();
    private readonly JournalFile _journal = IncidentJournal.Build();

    public void Dispose()
    {
        _person.Dispose();
        _journal.Dispose();
    }

    private async Task<(HttpClient Http, string Number)> IncidentAsync()
    {
        var http = new HttpClient { BaseAddress = new Uri(server.Url) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", SteadyServer.AdminToken);
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var team = await http.PostAsJsonAsync("/api/v1/teams", new { name = "team-" + suffix });
        var teamId = (await team.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        (await http.PostAsJsonAsync("/api/v1/services", new { name = "api-" + suffix, teamId })).EnsureSuccessStatusCode();
        _person.Environment["STEADY_SERVER"] = server.Url;
        _person.Environment["STEADY_TOKEN"] = SteadyServer.AdminToken;
        var declared = (await _person.RunAsync("incident", "declare", "Orders fail", "--severity", "SEV3", "--service", "api-" + suffix)).Succeeded();
        return (http, System.Text.RegularExpressions.Regex.Match(declared.Out, @"#(\d+)").Groups[1].Value);
    }

    [Fact]
    public async Task AJournalWindowLandsOnTheIncidentsTimelineOnceWithItsOriginalTimes()
    {
        var (http, number) = await IncidentAsync();
        using var _ = http;
        string[] import = ["timeline", "import", "--incident", number, "--since", "2026-11-24T13:10:00Z", "--until", "2026-11-24T13:20:00Z", "--file", _journal.Write()];

        var first = (await _person.RunAsync(import)).Succeeded();
        Assert.Contains($"INC-{number}: 12 added, 0 already on the timeline.", first.Out, StringComparison.Ordinal);
        var again = (await _person.RunAsync(import)).Succeeded();
        Assert.Contains($"INC-{number}: 0 added, 12 already on the timeline.", again.Out, StringComparison.Ordinal);

        var timeline = (await http.GetFromJsonAsync<JsonElement>($"/api/v1/incidents/{number}/timeline")).EnumerateArray().ToList();
        var burst = Assert.Single(timeline, e => e.GetProperty("text").GetString()!.Contains("×412 from myapp", StringComparison.Ordinal));
        Assert.Equal(IncidentJournal.Start.AddMinutes(4), burst.GetProperty("at").GetDateTimeOffset());
        Assert.Single(timeline, e => e.GetProperty("text").GetString()!.Contains("Killed process 4242 (java)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ASnapshotOfThisMachineIsAttachedAsEvidence()
    {
        var (http, number) = await IncidentAsync();
        using var _ = http;

        var result = (await _person.RunAsync("snapshot", "--incident", number)).Succeeded();

        var attached = System.Text.RegularExpressions.Regex.Match(result.Out, $@"Attached to INC-{number} as evidence \S+: (\d+) findings? on its timeline\.");
        Assert.True(attached.Success, result.Out);
        var evidence = Assert.Single((await http.GetFromJsonAsync<JsonElement>($"/api/v1/incidents/{number}/evidence")).EnumerateArray());
        Assert.Equal(Environment.MachineName, evidence.GetProperty("host").GetString());
        Assert.Equal(int.Parse(attached.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), evidence.GetProperty("findings").GetArrayLength());
    }
}
