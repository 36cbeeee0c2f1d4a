using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Steady.Server.Data;

namespace Steady.Server.Tests.Security;

/// <summary>An installation from before secrets were encrypted keeps working, and its secrets are encrypted at its first start.</summary>
public sealed class SecretsUpgradeTests
{
    private const string Hook = "https://hooks.example.com/services/T000/B000/upgradeHookToken1";
    private const string HmacSecret = "upgradeHmacSecret2";
    private const string Target = "https://monitor:upgradePassword3@internal.example/health?api_key=upgradeApiKey4";
    private const string IntegrationKey = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
    private const string LineKey = "line_upgradeLineKey5upgradeLineKey5";
    private const string DeletedHook = "https://hooks.example.com/services/T000/B000/upgradeDeletedToken6";
    private const string OldTarget = "https://monitor:upgradeOldPassword7@internal.example/";
    private const string ContactPerson = "Erin Upgrade";
    private const string ContactPhone = "+49 30 7654321";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SecretsStoredBeforeEncryptionAreEncryptedAtTheFirstStartAndStillWork()
    {
        var ackKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var database = await TestDatabase.CreateAsync();
        var (admin, service, method) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        await using (var db = Open(database))
        {
            await Migrator.MigrateAsync(db, 19, Cancel);
            await PlantAsync(db, database, admin, service, method, ackKey);
        }

        var host = await SteadyHost.StartAsync(database: database);
        try
        {
            var client = host.Admin();
            var methods = await client.GetFromJsonAsync<JsonElement>($"/api/v1/users/{admin}/contact-methods", Cancel);
            var read = Assert.Single(methods.EnumerateArray());
            Assert.Equal(Hook, read.GetProperty("address").GetString());
            Assert.Equal(["secret"], read.GetProperty("settings").EnumerateArray().Select(s => s.GetString()));
            var checks = await client.GetFromJsonAsync<JsonElement>("/api/v1/checks", Cancel);
            Assert.Equal(Target, Assert.Single(checks.EnumerateArray()).GetProperty("target").GetString());
            Assert.Equal(HttpStatusCode.Accepted, (await host.Anonymous().PostAsJsonAsync($"/intake/{IntegrationKey}/generic", new { summary = "after the upgrade", dedup_key = "u" }, Cancel)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await host.Anonymous().GetAsync($"/emergency-line/{LineKey}", Cancel)).StatusCode);
            var (storedAck, summary, audit, sealedCount) = await host.WithDbAsync(async (db, _) => (
                (await db.ServerSecrets.AsNoTracking().SingleAsync(Cancel)).Value,
                (await db.Incidents.AsNoTracking().SingleAsync(Cancel)).Summary,
                string.Join("\n", await db.AuditEntries.AsNoTracking().Select(e => e.Changes).ToListAsync(Cancel)),
                await db.AuditEntries.CountAsync(e => e.Action == "secrets_encrypted", Cancel)));
            Assert.Equal(ackKey, storedAck); // the same link key: links sent before the upgrade still work
            Assert.Equal("Submitted through the emergency line: Checkout is down", summary);
            Assert.Contains("(secret)", audit, StringComparison.Ordinal);
            Assert.DoesNotContain("upgrade", audit, StringComparison.Ordinal);
            Assert.Equal(1, sealedCount);
        }
        finally
        {
            await host.DisposeAsyncKeepingDatabase();
        }

        try
        {
            var dump = await DatabaseDump.TakeAsync(database);
            DatabaseDump.Holds(dump, "Upgrade Co");
            DatabaseDump.HoldsNone(dump, ["upgradeHookToken1", HmacSecret, "upgradePassword3", "upgradeApiKey4", IntegrationKey, LineKey, ackKey, "upgradeDeletedToken6", "upgradeOldPassword7"]);

            // A second start finds nothing left to encrypt, and reads everything as before.
            await using var again = await SteadyHost.StartAsync(database: database);
            var methods = await again.Admin().GetFromJsonAsync<JsonElement>($"/api/v1/users/{admin}/contact-methods", Cancel);
            Assert.Equal(Hook, Assert.Single(methods.EnumerateArray()).GetProperty("address").GetString());
            Assert.Equal(1, await again.WithDbAsync((db, _) => db.AuditEntries.CountAsync(e => e.Action == "secrets_encrypted", Cancel)));
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }
    }

    /// <summary>Rows as version 19 wrote them: every secret in the clear, and the audit log holding copies of old ones.</summary>
    private static async Task PlantAsync(SteadyDb db, TestDatabase database, Guid admin, Guid service, Guid method, string ackKey)
    {
        string Id(Guid id) => database.IsSqlite ? $"'{id.ToString().ToUpperInvariant()}'" : $"'{id}'";
        var now = database.IsSqlite ? "0" : "now()";
        var later = database.IsSqlite ? "9000000000000000" : "'2200-01-01'";
        var no = database.IsSqlite ? "0" : "false";
        var (team, policy, agreement, incident, submission, token) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var statements = new[]
        {
            $"INSERT INTO users (id, name, email, time_zone, is_admin, created_at) VALUES ({Id(admin)}, 'Old Admin', 'admin@upgrade.example', 'UTC', {(database.IsSqlite ? "1" : "true")}, {now})",
            $"INSERT INTO api_tokens (id, user_id, name, prefix, hash, created_at) VALUES ({Id(token)}, {Id(admin)}, 'test', 'stdy_test', '{Core.Accounts.Secrets.Hash(SteadyHost.AdminToken)}', {now})",
            $"INSERT INTO teams (id, name, created_at) VALUES ({Id(team)}, 'Upgrade Co', {now})",
            $"INSERT INTO memberships (team_id, user_id, role, created_at) VALUES ({Id(team)}, {Id(admin)}, 'Admin', {now})",
            $"INSERT INTO services (id, name, team_id, created_at) VALUES ({Id(service)}, 'upgrade-api', {Id(team)}, {now})",
            $"INSERT INTO integration_keys (id, service_id, name, key, created_at) VALUES ({Id(Guid.NewGuid())}, {Id(service)}, 'monitoring', '{IntegrationKey}', {now})",
            $"INSERT INTO contact_methods (id, user_id, kind, label, address, settings, created_at) VALUES ({Id(method)}, {Id(admin)}, 'webhook', 'hook', '{Hook}', '{{\"secret\":\"{HmacSecret}\"}}', {now})",
            $"INSERT INTO checks (id, service_id, name, kind, target, interval_seconds, timeout_ms, severity, failures_to_alert, enabled, created_at, next_run_at) VALUES ({Id(Guid.NewGuid())}, {Id(service)}, 'health', 'Http', '{Target}', 60, 5000, 'Critical', 2, {no}, {now}, {later})",
            $"INSERT INTO escalation_policies (id, name, team_id, repeat, steps, created_at) VALUES ({Id(policy)}, 'upgrade-oncall', {Id(team)}, 0, '[]', {now})",
            $"INSERT INTO emergency_agreements (id, client, covered_severities, hours, purpose, boundaries, service_id, escalation_policy_id, key, created_at, created_by_id) VALUES ({Id(agreement)}, 'Upgrade Co', '[\"SEV1\"]', '24/7', 'stabilization', 'no guarantees', {Id(service)}, {Id(policy)}, '{LineKey}', {now}, {Id(admin)})",
            $"INSERT INTO incidents (id, number, title, severity, status, team_id, summary, declared_at, declared_by_id, declared_by, started_at, postmortem_required) VALUES ({Id(incident)}, 1, 'Emergency line, Upgrade Co: Checkout is down', 'SEV1', 'Triage', {Id(team)}, 'Submitted by {ContactPerson} ({ContactPhone}): Checkout is down', {now}, {Id(admin)}, 'Old Admin', {now}, {no})",
            $"INSERT INTO emergency_submissions (id, agreement_id, submitted_at, contact_name, contact, description, incident_id) VALUES ({Id(submission)}, {Id(agreement)}, {now}, '{ContactPerson}', '{ContactPhone}', 'Checkout is down', {Id(incident)})",
            $"INSERT INTO server_secrets (name, value, created_at) VALUES ('ack-link-key', '{ackKey}', {now})",
            $"INSERT INTO audit_log (id, at, actor_name, action, entity_type, entity_id, changes) VALUES ({Id(Guid.NewGuid())}, {now}, 'Old Admin', 'deleted', 'contact_method', 'x', '{{\"kind\":[\"webhook\",null],\"address\":[\"{DeletedHook}\",null]}}')",
            $"INSERT INTO audit_log (id, at, actor_name, action, entity_type, entity_id, changes) VALUES ({Id(Guid.NewGuid())}, {now}, 'Old Admin', 'updated', 'check', 'y', '{{\"target\":[\"{OldTarget}\",\"{Target}\"]}}')",
        };
#pragma warning disable EF1002 // test constants
        foreach (var sql in statements)
            await db.Database.ExecuteSqlRawAsync(sql.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal), Cancel);
#pragma warning restore EF1002
    }

    internal static SteadyDb Open(TestDatabase database)
    {
        var services = new ServiceCollection();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<Microsoft.Extensions.Configuration.IConfiguration>(new Microsoft.Extensions.Configuration.ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Steady:Database:Provider"] = database.Provider,
                ["Steady:Database:ConnectionString"] = database.ConnectionString,
            }).Build());
        services.AddSteadyDatabase();
        return services.BuildServiceProvider().CreateScope().ServiceProvider.GetRequiredService<SteadyDb>();
    }
}
