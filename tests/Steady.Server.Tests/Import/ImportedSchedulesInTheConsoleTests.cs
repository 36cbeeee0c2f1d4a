using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Steady.Server.Tests.Import;

/// <summary>An imported schedule saved from the console's editor keeps what the editor has no field for (turns in seconds, layer spans, restriction lengths).</summary>
public sealed class ImportedSchedulesInTheConsoleTests
{
    private const string Password = "a long enough password for tests";

    [Fact]
    public async Task SavingAnImportedScheduleUnchangedInTheEditorKeepsItsLayersAsImported()
    {
        await using var host = await SteadyHost.StartAsync();
        host.Clock.SetUtcNow(PagerDutyImportTests.Now);
        var (status, body) = await PagerDutyImportTests.ImportAsync(host.Admin(), "pagerduty", PagerDutyImportTests.Folder(PagerDutyImportTests.Fixture("pagerduty")));
        Assert.True(status == HttpStatusCode.OK, body);
        (await host.Admin().PutAsJsonAsync("/api/v1/users/admin@steady.local/password", new { newPassword = Password })).EnsureSuccessStatusCode();
        var admin = new ConsoleClient(host);
        await admin.SignInAsync("admin@steady.local", Password);

        var before = await host.Admin().GetFromJsonAsync<JsonElement>($"/api/v1/schedules/{Uri.EscapeDataString("Platform Berlin")}");
        var id = before.GetProperty("id").GetGuid();
        var page = await admin.GetPageAsync($"/schedules/edit/{id}");
        Assert.Contains("name=\"Layers[1].ShiftSeconds\" value=\"5400\"", page, StringComparison.Ordinal);
        Assert.Contains("name=\"Layers[0].Starts\" value=\"2027-02-01T06:00:00Z\"", page, StringComparison.Ordinal);
        var weekend = await host.Admin().GetFromJsonAsync<JsonElement>($"/api/v1/schedules/{Uri.EscapeDataString("Weekend backup")}");
        Assert.Contains("name=\"Layers[0].Restrictions[0].Length\" value=\"2d\"", await admin.GetPageAsync($"/schedules/edit/{weekend.GetProperty("id").GetGuid()}"), StringComparison.Ordinal);

        // What the browser sends for the page as it is: the visible fields and the hidden ones.
        var layers = before.GetProperty("layers").EnumerateArray().ToList();
        var fields = new List<(string, string)> { ("Name", "Platform Berlin"), ("TimeZone", "Europe/Berlin"), ("Description", "") };
        for (var i = 0; i < layers.Count; i++)
        {
            var l = layers[i];
            var p = $"Layers[{i}]";
            fields.Add(($"{p}.Name", l.GetProperty("name").GetString()!));
            fields.AddRange(l.GetProperty("participants").EnumerateArray().Select(x => ($"{p}.Participants", x.GetString()!)));
            fields.Add(($"{p}.Rotation", l.GetProperty("rotation").GetString()!));
            fields.Add(($"{p}.ShiftHours", l.TryGetProperty("shiftHours", out var h) && h.ValueKind == JsonValueKind.Number ? h.GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture) : ""));
            fields.Add(($"{p}.FirstHandoff", l.GetProperty("firstHandoff").GetString()!));
            if (l.TryGetProperty("shiftSeconds", out var s) && s.ValueKind == JsonValueKind.Number)
                fields.Add(($"{p}.ShiftSeconds", s.GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture)));
            fields.Add(($"{p}.Starts", l.GetProperty("starts").GetString()!));
            var restrictions = l.TryGetProperty("restrictions", out var rs) && rs.ValueKind == JsonValueKind.Array ? rs.EnumerateArray().ToList() : [];
            for (var k = 0; k < restrictions.Count; k++)
            {
                fields.Add(($"{p}.Restrictions[{k}].Start", restrictions[k].GetProperty("start").GetString()!));
                fields.Add(($"{p}.Restrictions[{k}].End", restrictions[k].GetProperty("end").GetString()!));
            }
        }
        var saved = await admin.PostFormAsync($"/schedules/edit/{id}", $"/schedules/edit/{id}?handler=Save", [.. fields]);
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var after = await host.Admin().GetFromJsonAsync<JsonElement>($"/api/v1/schedules/{Uri.EscapeDataString("Platform Berlin")}");
        Assert.Equal(before.GetProperty("layers").GetRawText(), after.GetProperty("layers").GetRawText());
        Assert.Contains("\"shiftSeconds\":5400", after.GetProperty("layers").GetRawText(), StringComparison.Ordinal);
    }
}
