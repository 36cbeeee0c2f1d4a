using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Steady.Server.Data;
using Steady.Server.Tests.Alerts;

namespace Steady.Server.Tests.Data;

/// <summary>Client JSON stored before request text was checked: read back whole, and repaired by migration 15.</summary>
public sealed class StoredTextTests
{
    [Theory]
    [InlineData("{\"a\":\"\\ud800\"}", "{\"a\":\"\\ufffd\"}")]
    [InlineData("{\"a\":\"x\\uDC00y\"}", "{\"a\":\"x\\ufffdy\"}")]
    [InlineData("{\"a\":\"\\ud800\\ud800\\udc00\"}", "{\"a\":\"\\ufffd\\ud800\\udc00\"}")]
    [InlineData("{\"a\":\"\\ud83d\\ude00\"}", "{\"a\":\"\\ud83d\\ude00\"}")]
    [InlineData("{\"a\":\"\\\\ud800\"}", "{\"a\":\"\\\\ud800\"}")]
    [InlineData("{\"a\":\"\\\\\\ud800\"}", "{\"a\":\"\\\\\\ufffd\"}")]
    [InlineData("{\"a\":\"caf\\u00e9 \\n\"}", "{\"a\":\"caf\\u00e9 \\n\"}")]
    public void AnUnpairedSurrogateEscapeBecomesTheReplacementCharacterAndNothingElseChanges(string stored, string repaired)
    {
        Assert.Equal(repaired, StoredText.RepairJson(stored));
        Assert.Contains("\"a\"", JsonSerializer.Serialize(StoredText.Json(stored))); // writes out whole
    }

    [Fact]
    public void AnUnpairedSurrogateCharacterBecomesTheReplacementCharacter() =>
        Assert.Equal("{\"a\":\"x\uFFFDy\"}", StoredText.RepairJson("{\"a\":\"x\ud800y\"}"));

    [Fact]
    public async Task StoredJsonWithAnUnpairedSurrogateIsReadBackWholeAndMigration15RepairsIt()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var host = await SteadyHost.StartAsync();
        var world = await AlertWorld.CreateAsync(host);
        (await world.PostAsync("generic", new { summary = "poison", dedup_key = "poison", details = new { note = "fine" } })).EnsureSuccessStatusCode();
        var declared = await host.Admin().PostAsJsonAsync("/api/v1/incidents", new { title = "Poisoned", severity = "SEV3", services = new[] { world.Service } }, cancel);
        var number = (await declared.Content.ReadFromJsonAsync<JsonElement>(cancel)).GetProperty("number").GetInt32();
        var snapshot = new { schema = "steady.snapshot/v1", host = new { hostname = "web-1" }, takenAt = "2026-11-24T08:00:00Z", findings = Array.Empty<object>() };
        var added = await host.Admin().PostAsJsonAsync($"/api/v1/incidents/{number}/evidence", snapshot, cancel);
        var evidence = (await added.Content.ReadFromJsonAsync<JsonElement>(cancel)).GetProperty("id").GetGuid();

        // As the server stored them before it checked text: the sender's escapes kept as they were.
        const string Details = """{"note":"\ud800","pair":"\ud83d\ude00","text":"\\ud800"}""";
        const string Document = """{"schema":"steady.snapshot/v1","host":{"hostname":"\udc00"},"takenAt":"2026-11-24T08:00:00Z","findings":[]}""";
        await host.WithDbAsync(async (db, _) =>
        {
            await db.Alerts.Where(a => a.DedupKey == "poison").ExecuteUpdateAsync(s => s.SetProperty(a => a.Details, Details), cancel);
            return await db.IncidentEvidence.Where(e => e.Id == evidence).ExecuteUpdateAsync(s => s.SetProperty(e => e.Document, Document), cancel);
        });

        // Every user's alert list, the alert, its page and the evidence still answer whole.
        var list = await host.Admin().GetAsync($"/api/v1/alerts?service={world.Service}", cancel);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        var details = (await list.Content.ReadFromJsonAsync<JsonElement>(cancel)).GetProperty("items")[0].GetProperty("details");
        Assert.Equal(("\uFFFD", "\U0001F600", "\\ud800"), (details.GetProperty("note").GetString(), details.GetProperty("pair").GetString(), details.GetProperty("text").GetString()));
        var alertId = (await world.AlertAsync("poison")).GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.OK, (await host.Admin().GetAsync($"/api/v1/alerts/{alertId}", cancel)).StatusCode);
        var document = await host.Admin().GetFromJsonAsync<JsonElement>($"/api/v1/incidents/{number}/evidence/{evidence}", cancel);
        Assert.Equal("\uFFFD", document.GetProperty("document").GetProperty("host").GetProperty("hostname").GetString());

        // The migration rewrites the rows themselves (run again here: it ran on an empty database at start).
        var repaired = await host.WithDbAsync(async (db, _) =>
        {
#pragma warning disable EF1002 // a constant
            await db.Database.ExecuteSqlRawAsync("DELETE FROM schema_migrations WHERE version = 15", cancel);
#pragma warning restore EF1002
            Assert.Contains(15, await Migrator.MigrateAsync(db, cancellationToken: cancel));
            return (await db.Alerts.AsNoTracking().SingleAsync(a => a.DedupKey == "poison", cancel)).Details + " " + (await db.IncidentEvidence.AsNoTracking().SingleAsync(e => e.Id == evidence, cancel)).Document;
        });
        Assert.Equal("""{"note":"\ufffd","pair":"\ud83d\ude00","text":"\\ud800"} {"schema":"steady.snapshot/v1","host":{"hostname":"\ufffd"},"takenAt":"2026-11-24T08:00:00Z","findings":[]}""", repaired);
    }
}
