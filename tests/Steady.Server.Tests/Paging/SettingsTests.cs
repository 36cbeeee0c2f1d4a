using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Steady.Server.Tests.Paging;

/// <summary>A service's paging settings through the API: urgency, business hours, acknowledgement timeout.</summary>
public sealed class SettingsTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly SteadyHost _host = fixture.Host;

    [Fact]
    public async Task AServiceKeepsItsUrgencyBusinessHoursAndAcknowledgementTimeout()
    {
        var world = await Steady.Server.Tests.Alerts.AlertWorld.CreateAsync(_host);
        var patched = await _host.Admin().PatchAsJsonAsync($"/api/v1/services/{world.ServiceId}", new
        {
            urgency = "low",
            businessHours = new { timeZone = "America/New_York", days = new[] { "Monday", "friday" }, start = "08:30", end = "18:00" },
            ackTimeoutSeconds = 1800,
        });
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var paging = (await patched.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("paging");
        Assert.Equal("low", paging.GetProperty("urgency").GetString());
        Assert.Equal(1800, paging.GetProperty("ackTimeoutSeconds").GetInt32());
        Assert.Equal(["monday", "friday"], paging.GetProperty("businessHours").GetProperty("days").EnumerateArray().Select(d => d.GetString()));

        var cleared = await _host.Admin().PatchAsJsonAsync($"/api/v1/services/{world.ServiceId}", new { businessHours = new { }, ackTimeoutSeconds = 0 });
        paging = (await cleared.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("paging");
        Assert.Equal(JsonValueKind.Null, paging.GetProperty("businessHours").ValueKind);
        Assert.Equal(JsonValueKind.Null, paging.GetProperty("ackTimeoutSeconds").ValueKind);
        Assert.Equal("low", paging.GetProperty("urgency").GetString());
    }

    [Fact]
    public async Task WrongPagingSettingsAreRefusedNamingEachAndChangeNothing()
    {
        var world = await Steady.Server.Tests.Alerts.AlertWorld.CreateAsync(_host);
        var response = await _host.Admin().PatchAsJsonAsync($"/api/v1/services/{world.ServiceId}", new
        {
            description = "should not be written",
            urgency = "whenever",
            businessHours = new { timeZone = "Nowhere/Land", start = "25:00", end = "17:00" },
            ackTimeoutSeconds = 5,
        });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("urgency", out _));
        Assert.True(errors.TryGetProperty("businessHours", out _));
        Assert.True(errors.TryGetProperty("ackTimeoutSeconds", out _));
        var service = await _host.Admin().GetFromJsonAsync<JsonElement>($"/api/v1/services/{world.ServiceId}");
        Assert.NotEqual("should not be written", service.GetProperty("description").GetString());
        Assert.Equal("severity", service.GetProperty("paging").GetProperty("urgency").GetString());
    }
}
