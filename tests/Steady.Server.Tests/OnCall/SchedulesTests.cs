using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Steady.Server.Tests.OnCall;

public sealed class SchedulesTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly SteadyHost _host = fixture.Host;

    private async Task<(Guid Team, Guid Ana, Guid Ben)> PeopleAsync()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var team = (await (await _host.Admin().PostAsJsonAsync("/api/v1/teams", new { name = "Rota " + suffix })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var ana = (await _host.CreateUserAsync("Ana " + suffix)).Id;
        var ben = (await _host.CreateUserAsync("Ben " + suffix)).Id;
        return (team, ana, ben);
    }

    [Fact]
    public async Task AWeeklyRotationAnswersWhoIsOnCallAndTheFinalScheduleAcrossTheFallBack()
    {
        var (team, ana, ben) = await PeopleAsync();
        var name = "primary-" + Guid.NewGuid().ToString("N")[..6];
        var created = await _host.Admin().PostAsJsonAsync("/api/v1/schedules", new
        {
            name,
            team = team.ToString(),
            timeZone = "Europe/Berlin",
            layers = new[] { new { name = "weekly", participants = new[] { ana, ben }, firstHandoff = "2026-10-05T09:00", rotation = "weekly" } },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var final = await _host.Admin().GetFromJsonAsync<JsonElement>($"/api/v1/schedules/{name}/final?from=2026-10-19T07:00:00Z&to=2026-10-26T08:00:00Z");
        var shift = Assert.Single(final.GetProperty("shifts").EnumerateArray());
        Assert.Equal(ana, shift.GetProperty("userId").GetGuid());
        Assert.Equal(169, (shift.GetProperty("end").GetDateTimeOffset() - shift.GetProperty("start").GetDateTimeOffset()).TotalHours);
        Assert.Empty(final.GetProperty("gaps").EnumerateArray());

        var oncall = await _host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/oncall?at=2026-10-27T12:00:00Z");
        var mine = oncall.EnumerateArray().Single(o => o.GetProperty("schedule").GetString() == name);
        Assert.Equal(ben, mine.GetProperty("userId").GetGuid());
        Assert.Equal(DateTimeOffset.Parse("2026-11-02T08:00:00Z"), mine.GetProperty("until").GetDateTimeOffset());
    }

    [Fact]
    public async Task AnOverrideCoversAShiftAndRestrictionsLeaveVisibleGaps()
    {
        var (team, ana, ben) = await PeopleAsync();
        var name = "business-" + Guid.NewGuid().ToString("N")[..6];
        (await _host.Admin().PostAsJsonAsync("/api/v1/schedules", new
        {
            name,
            team = team.ToString(),
            timeZone = "Etc/UTC",
            layers = new[]
            {
                new
                {
                    name = "office",
                    participants = new[] { ana },
                    firstHandoff = "2026-11-23T00:00",
                    rotation = "weekly",
                    restrictions = new[] { new { start = "09:00", end = "17:00", days = new[] { "monday", "tuesday", "wednesday", "thursday", "friday" } } },
                },
            },
        })).EnsureSuccessStatusCode();
        var cover = await _host.Admin().PostAsJsonAsync($"/api/v1/schedules/{name}/overrides", new { user = ben.ToString(), startsAt = "2026-11-24T12:00:00Z", endsAt = "2026-11-24T20:00:00Z" });
        Assert.Equal(HttpStatusCode.Created, cover.StatusCode);

        var final = await _host.Admin().GetFromJsonAsync<JsonElement>($"/api/v1/schedules/{name}/final?from=2026-11-24T00:00:00Z&to=2026-11-25T00:00:00Z");
        var shifts = final.GetProperty("shifts").EnumerateArray().Select(s => (s.GetProperty("source").GetString(), s.GetProperty("start").GetDateTimeOffset().Hour)).ToList();
        Assert.Equal([("gap", 0), ("office", 9), ("override", 12), ("gap", 20)], shifts);
        Assert.Equal(2, final.GetProperty("gaps").GetArrayLength());
    }

    [Fact]
    public async Task ABadScheduleIsRefusedNamingEveryProblemAndNothingIsStored()
    {
        var (team, ana, _) = await PeopleAsync();
        var response = await _host.Admin().PostAsJsonAsync("/api/v1/schedules", new
        {
            name = "broken",
            team = team.ToString(),
            timeZone = "Mars/Olympus_Mons",
            layers = new object[]
            {
                new { name = "x", participants = new[] { ana, Guid.NewGuid() }, firstHandoff = "next monday", rotation = "fortnightly", restrictions = new[] { new { start = "9am", end = "17:00", days = new[] { "funday" } } } },
            },
        });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var detail = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!;
        Assert.Contains("time zone", detail);
        Assert.Contains("firstHandoff", detail);
        Assert.Contains("rotation", detail);
        Assert.Contains("no user", detail);
        Assert.Contains("restrictions[0]", detail);
        Assert.Equal(HttpStatusCode.NotFound, (await _host.Admin().GetAsync("/api/v1/schedules/broken")).StatusCode);
    }
}
