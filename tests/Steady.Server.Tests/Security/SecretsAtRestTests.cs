using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Steady.Server.Data;
using Steady.Server.Features.Paging;
using Steady.Server.Tests.Incidents;

namespace Steady.Server.Tests.Security;

/// <summary>A stolen copy of the database — the SQLite file, a pg_dump — holds no recoverable secret in the clear.</summary>
public sealed class SecretsAtRestTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>
    /// Secrets are opened by a factory EF uses only for the types that hold them. A materialization interceptor would open
    /// them too, but EF then runs per row, for every entity of every type, code that cost about 75 µs per entity: it made
    /// each intake batch's read of its open alerts four times slower. This keeps it out.
    /// </summary>
    [Fact]
    public async Task SecretsAreOpenedWhetherReadTrackedOrNotAndNoOtherEntityPaysForItPerRow()
    {
        var world = await IncidentWorld.CreateAsync();
        try
        {
            var ana = world.People["Ana"].Id;
            var hook = "https://hooks.example.com/services/T000/B000/plantedHookToken9";
            var created = await world.Admin.PostAsJsonAsync($"/api/v1/users/{ana}/contact-methods", new { kind = "webhook", address = hook, settings = new { secret = "plantedHmacSecret10" } }, Cancel);
            var id = (await created.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("id").GetGuid();
            await world.Host.WithDbAsync(async (db, _) =>
            {
                var untracked = await db.ContactMethods.AsNoTracking().SingleAsync(m => m.Id == id, Cancel);
                var tracked = await db.ContactMethods.SingleAsync(m => m.Id == id, Cancel);
                Assert.Equal(hook, untracked.Address);
                Assert.Equal(hook, tracked.Address);
                Assert.Contains("plantedHmacSecret10", tracked.Settings, StringComparison.Ordinal);
                Assert.Equal(EntityState.Unchanged, db.Entry(tracked).State);
                var interceptors = Microsoft.EntityFrameworkCore.Infrastructure.AccessorExtensions.GetService<Microsoft.EntityFrameworkCore.Infrastructure.IDbContextOptions>(db)
                    .FindExtension<Microsoft.EntityFrameworkCore.Infrastructure.CoreOptionsExtension>()!.Interceptors ?? [];
                Assert.DoesNotContain(interceptors, i => i is Microsoft.EntityFrameworkCore.Diagnostics.IMaterializationInterceptor);
                return 0;
            });
        }
        finally
        {
            await world.DisposeAsync();
        }
    }

    [Fact]
    public async Task ADatabaseDumpHoldsNoneOfThePlantedSecretsInTheClearYetSteadyReadsThemAll()
    {
        var secrets = new List<string>();
        var world = await IncidentWorld.CreateAsync();
        var database = world.Host.Database;
        var service = world.Alerts.Service;
        try
        {
            var admin = world.Admin;
            var ana = world.People["Ana"].Id;

            // A webhook with its token in the URL and an HMAC secret; a chat webhook; one replaced, then deleted.
            var hook = "https://hooks.example.com/services/T000/B000/plantedHookToken1";
            (await admin.PostAsJsonAsync($"/api/v1/users/{ana}/contact-methods", new { kind = "webhook", address = hook, label = "planted hook", settings = new { secret = "plantedHmacSecret2" } }, Cancel)).EnsureSuccessStatusCode();
            (await admin.PostAsJsonAsync($"/api/v1/users/{ana}/contact-methods", new { kind = "slack", address = "https://hooks.slack.com/services/T0/B0/plantedSlackToken3" }, Cancel)).EnsureSuccessStatusCode();
            var old = await admin.PostAsJsonAsync($"/api/v1/users/{ana}/contact-methods", new { kind = "webhook", address = "https://hooks.example.com/plantedOldToken7" }, Cancel);
            var oldId = (await old.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("id").GetGuid();
            (await admin.DeleteAsync($"/api/v1/users/{ana}/contact-methods/{oldId}", Cancel)).EnsureSuccessStatusCode();
            // A check with credentials and an API key in its URL, its first target replaced.
            var check = await admin.PostAsJsonAsync("/api/v1/checks", new { service, name = "planted", kind = "http", target = "https://monitor:plantedNewToken8@internal.example/", enabled = false }, Cancel);
            Assert.Equal(HttpStatusCode.Created, check.StatusCode);
            var checkId = (await check.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("id").GetGuid();
            var target = "https://monitor:plantedPassword4@internal.example/health?api_key=plantedApiKey5";
            (await admin.PatchAsJsonAsync($"/api/v1/checks/{checkId}", new { target }, Cancel)).EnsureSuccessStatusCode();
            // An incident's own chat channel; an emergency line's key; the service's integration key.
            await world.DeclareAsync(new { title = "Planted", severity = "SEV3", services = new[] { service }, channels = new[] { new { kind = "slack", address = "https://hooks.slack.com/services/T1/B1/plantedChannelToken6" } } });
            var (_, lineKey) = await EmergencyLineTests.LineAsync(world);
            // The link key and the data-protection keys exist once something signs or protects.
            await world.Host.Services.GetRequiredService<AckLinks>().UrlAsync(LinkAction.Acknowledge, Guid.NewGuid(), DateTimeOffset.UtcNow.AddHours(1), Cancel);
            world.Host.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Protect("x");
            var (ackKey, protectionKey) = await world.Host.WithDbAsync(async (db, _) => (
                (await db.ServerSecrets.AsNoTracking().SingleAsync(Cancel)).Value,
                XElement.Parse((await db.DataProtectionKeys.AsNoTracking().FirstAsync(Cancel)).Xml).Descendants("value").First().Value));
            secrets.AddRange(["plantedHookToken1", "plantedHmacSecret2", "plantedSlackToken3", "plantedPassword4", "plantedApiKey5", "plantedChannelToken6", "plantedOldToken7", "plantedNewToken8", lineKey, world.Alerts.Key, ackKey, protectionKey]);

            // Steady itself reads every one of them back.
            var methods = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/users/{ana}/contact-methods", Cancel);
            Assert.Contains(methods.EnumerateArray(), m => m.GetProperty("address").GetString() == hook);
            var checks = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/checks?service={service}", Cancel);
            Assert.Equal(target, Assert.Single(checks.EnumerateArray()).GetProperty("target").GetString());
            Assert.Equal(HttpStatusCode.Accepted, (await world.Alerts.PostAsync("generic", new { summary = "still accepted", dedup_key = "k" })).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await world.Host.Anonymous().GetAsync($"/emergency-line/{lineKey}", Cancel)).StatusCode);
            var keys = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/services/{service}/integration-keys", Cancel);
            Assert.Contains(keys.EnumerateArray(), k => k.GetProperty("key").GetString() == world.Alerts.Key);

            // The audit log says that the secrets were set, changed and removed — never what they were.
            var audit = await world.Host.WithDbAsync(async (db, _) => string.Join("\n", await db.AuditEntries.AsNoTracking().Select(e => e.Changes).ToListAsync(Cancel)));
            Assert.Contains("(secret)", audit, StringComparison.Ordinal);
            Assert.Contains("(changed)", audit, StringComparison.Ordinal);
            foreach (var secret in secrets)
                Assert.DoesNotContain(secret, audit, StringComparison.Ordinal);
        }
        finally
        {
            await world.DisposeKeepingDatabaseAsync();
        }

        try
        {
            var dump = await DatabaseDump.TakeAsync(database);
            DatabaseDump.Holds(dump, service);
            DatabaseDump.Holds(dump, "planted hook");
            DatabaseDump.HoldsNone(dump, secrets);
        }
        finally
        {
            await database.DisposeAsync();
        }
    }
}
