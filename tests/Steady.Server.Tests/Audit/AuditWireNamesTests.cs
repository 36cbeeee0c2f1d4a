using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Steady.Core.Audit;

namespace Steady.Server.Tests.Audit;

/// <summary>
/// The audit log says "mitigating" and "responder", not 1 and 2: enum values are stored by their wire names,
/// and entries written before they were (numbers) are read by name in the API and on the audit page.
/// </summary>
public sealed class AuditWireNamesTests
{
    [Fact]
    public async Task ChangesAreStoredWithTheNamesTheApiUses()
    {
        await using var host = await SteadyHost.StartAsync();
        var admin = host.Admin();
        var team = await IdAsync(await admin.PostAsJsonAsync("/api/v1/teams", new { name = "Payments" }));
        var (user, _) = await host.CreateUserAsync("Rita Responder");
        (await admin.PutAsJsonAsync($"/api/v1/teams/{team}/members/{user}", new { role = "responder" })).EnsureSuccessStatusCode();
        await IdAsync(await admin.PostAsJsonAsync("/api/v1/services", new { name = "checkout", teamId = team }));
        var declared = await admin.PostAsJsonAsync("/api/v1/incidents", new { title = "Checkout down", severity = "SEV2", services = new[] { "checkout" } });
        var number = (await declared.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("number").GetInt32();
        (await admin.PostAsJsonAsync($"/api/v1/incidents/{number}/status", new { status = "mitigating" })).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync($"/api/v1/incidents/{number}/roles", new { role = "communications-lead", user = user.ToString() })).EnsureSuccessStatusCode();

        var stored = await host.WithDbAsync((db, _) => db.AuditEntries.AsNoTracking().ToListAsync());
        var membership = stored.Single(e => e.EntityType == "membership" && e.Action == "created");
        Assert.Equal("responder", JsonDocument.Parse(membership.Changes).RootElement.GetProperty("role")[1].GetString());
        var status = stored.Single(e => e.EntityType == "incident" && e.Action == "updated" && e.Changes.Contains("\"status\"", StringComparison.Ordinal));
        var statusChange = JsonDocument.Parse(status.Changes).RootElement.GetProperty("status");
        Assert.Equal(new string?[] { "triage", "mitigating" }, statusChange.EnumerateArray().Select(v => v.GetString()));
        var role = stored.Single(e => e.EntityType == "incident_role_assignment" && e.Action == "created" && e.Changes.Contains(user.ToString(), StringComparison.Ordinal));
        Assert.Equal("communications-lead", JsonDocument.Parse(role.Changes).RootElement.GetProperty("role")[1].GetString());
        // No enum anywhere in the log as a number.
        foreach (var entry in stored)
        {
            foreach (var field in JsonDocument.Parse(entry.Changes).RootElement.EnumerateObject().Where(f => f.Name is "role" or "status" or "kind" or "state" or "visibility" && f.Value.ValueKind == JsonValueKind.Array))
                Assert.DoesNotContain(field.Value.EnumerateArray(), v => v.ValueKind == JsonValueKind.Number);
        }
    }

    [Fact]
    public async Task EntriesWrittenWithNumbersAreReadByName()
    {
        await using var host = await SteadyHost.StartAsync();
        var incident = Guid.NewGuid();
        var membership = $"{Guid.NewGuid()}/{Guid.NewGuid()}";
        await host.WithDbAsync(async (db, _) =>
        {
            // As the log was written before enums went by name: Incident.Status 0 → 1, Membership.Role 2; a note's "status" is no enum.
            db.AuditEntries.Add(Entry("incident", incident.ToString(), "{\"status\":[0,1],\"severity\":[\"SEV3\",\"SEV2\"]}"));
            db.AuditEntries.Add(Entry("membership", membership, "{\"role\":[null,2]}"));
            db.AuditEntries.Add(Entry("sign_in", "someone", "{\"status\":\"7\",\"attempts\":3}"));
            return await db.SaveChangesAsync();
        });

        var page = await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/audit", TestContext.Current.CancellationToken);
        var items = page.GetProperty("items").EnumerateArray().ToList();
        var status = items.Single(e => e.GetProperty("entityId").GetString() == incident.ToString()).GetProperty("changes");
        Assert.Equal(new string?[] { "triage", "mitigating" }, status.GetProperty("status").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal("SEV2", status.GetProperty("severity")[1].GetString());
        var role = items.Single(e => e.GetProperty("entityId").GetString() == membership).GetProperty("changes").GetProperty("role");
        Assert.Equal("responder", role[1].GetString());
        // What is no enum of an audited record stays as it was written.
        var other = items.Single(e => e.GetProperty("entityType").GetString() == "sign_in").GetProperty("changes");
        Assert.Equal(3, other.GetProperty("attempts").GetInt32());

        (await host.Admin().PutAsJsonAsync("/api/v1/users/admin@steady.local/password", new { newPassword = "a long enough password" })).EnsureSuccessStatusCode();
        var browser = new ConsoleClient(host);
        await browser.SignInAsync("admin@steady.local", "a long enough password");
        var html = await browser.GetPageAsync("/audit");
        Assert.Matches("<tr><td>status</td><td class=\"mono\">triage</td><td class=\"mono\">mitigating</td></tr>", html);
        Assert.Contains("<td class=\"mono\">responder</td>", html, StringComparison.Ordinal);
    }

    private static AuditEntry Entry(string type, string id, string changes) => new()
    {
        Id = Guid.CreateVersion7(),
        At = DateTimeOffset.UtcNow,
        ActorName = "old",
        Action = "updated",
        EntityType = type,
        EntityId = id,
        Changes = changes,
    };

    private static async Task<Guid> IdAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetGuid();
    }
}
