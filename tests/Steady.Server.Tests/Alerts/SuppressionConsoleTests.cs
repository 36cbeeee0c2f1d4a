using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Steady.Server.Tests.Config;

namespace Steady.Server.Tests.Alerts;

/// <summary>Silences and maintenance windows made and ended in the console through the API's commands.</summary>
public sealed class SuppressionConsoleTests
{
    private const string Password = "a long enough password for tests";

    private static async Task<(SteadyHost Host, ConsoleClient Bob, Guid Service, string Key)> ArrangeAsync()
    {
        var host = await SteadyHost.StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await ConfigAsCodeTests.ApplyAsync(host.Admin(), ConfigAsCodeTests.File)).Status);
        (await host.Admin().PutAsJsonAsync("/api/v1/users/bob@example.com/password", new { newPassword = Password })).EnsureSuccessStatusCode();
        var bob = new ConsoleClient(host);
        await bob.SignInAsync("bob@example.com", Password);
        var service = (await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/services/payments-api")).GetProperty("id").GetGuid();
        var key = (await (await host.Admin().PostAsJsonAsync("/api/v1/services/payments-api/integration-keys", new { name = "test" })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
        return (host, bob, service, key);
    }

    private static Task<List<(string Action, string Actor)>> AuditAsync(SteadyHost host, string type) =>
        host.WithDbAsync(async (db, _) => (await db.AuditEntries.AsNoTracking().Where(a => a.EntityType == type).OrderBy(a => a.At).ThenBy(a => a.Id).ToListAsync()).Select(a => (a.Action, a.ActorName)).ToList());

    [Fact]
    public async Task AResponderSilencesAlertsLikeOneFromItsPageAndEndsTheSilence()
    {
        var (host, bob, service, key) = await ArrangeAsync();
        await using var _ = host;
        Assert.Equal(HttpStatusCode.Accepted, (await host.Anonymous().PostAsJsonAsync($"/intake/{key}/generic", new { summary = "Disk 95% on db1", severity = "warning", dedup_key = "disk-db1", labels = new { host = "db1", alertname = "DiskFull" } })).StatusCode);
        var alert = (await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/alerts")).GetProperty("items")[0].GetProperty("id").GetGuid();

        var alertPage = await bob.GetPageAsync($"/alerts/{alert}");
        Assert.Contains($"href=\"/silences?alert={alert}#new-silence\"", alertPage, StringComparison.Ordinal);
        var prefilled = await bob.GetPageAsync($"/silences?alert={alert}");
        Assert.Contains("name=\"Matchers[0].Name\" value=\"alertname\"", prefilled, StringComparison.Ordinal);
        Assert.Contains("name=\"Matchers[0].Value\" value=\"DiskFull\"", prefilled, StringComparison.Ordinal);
        Assert.Contains($"<option value=\"{service}\" selected=\"selected\">", prefilled, StringComparison.Ordinal);

        var made = await bob.PostFormAsync("/silences", "/silences?handler=Create",
            ("Service", service.ToString()), ("Matchers[0].Name", "alertname"), ("Matchers[0].Op", "="), ("Matchers[0].Value", "DiskFull"),
            ("Matchers[1].Name", ""), ("Matchers[1].Op", "="), ("Matchers[1].Value", ""),
            ("Reason", "Disk being grown"), ("StartsAt", ""), ("DurationMinutes", "120"));
        Assert.Equal(HttpStatusCode.Redirect, made.StatusCode);
        var silence = Assert.Single((await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/silences?active=true")).EnumerateArray());
        Assert.Equal(TimeSpan.FromHours(2), silence.GetProperty("endsAt").GetDateTimeOffset() - silence.GetProperty("startsAt").GetDateTimeOffset());
        Assert.Single(silence.GetProperty("matchers").EnumerateArray());
        Assert.Contains("Silenced: stored and visible", await bob.GetPageAsync($"/alerts/{alert}"), StringComparison.Ordinal);
        Assert.Equal([("created", "Bob Okafor")], await AuditAsync(host, "silence"));

        var list = await bob.GetPageAsync("/silences");
        Assert.Contains("alertname = DiskFull", list, StringComparison.Ordinal);
        var ended = await bob.PostFormAsync("/silences", "/silences?handler=Expire", ("id", silence.GetProperty("id").GetString()!));
        Assert.Equal(HttpStatusCode.Redirect, ended.StatusCode);
        Assert.Empty((await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/silences?active=true")).EnumerateArray());
        Assert.Equal([("created", "Bob Okafor"), ("updated", "Bob Okafor")], await AuditAsync(host, "silence"));
    }

    [Fact]
    public async Task ASilenceWithoutMatchersOrReasonIsRefusedBesideItsFieldsAndNothingIsWritten()
    {
        var (host, bob, service, _) = await ArrangeAsync();
        await using var _ = host;
        var refused = await bob.PostFormAsync("/silences", "/silences?handler=Create",
            ("Service", service.ToString()), ("Matchers[0].Name", ""), ("Matchers[0].Op", "="), ("Matchers[0].Value", ""),
            ("Reason", ""), ("StartsAt", ""), ("DurationMinutes", "60"));
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        var html = await refused.Content.ReadAsStringAsync();
        Assert.Contains("<span class=\"field-error\">&#x27;matchers&#x27; needs at least one matcher", html, StringComparison.Ordinal);
        Assert.Matches("name=\"Reason\"[^>]*></label>\\s*<span class=\"field-error\">", html);
        Assert.Empty((await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/silences")).EnumerateArray());
        Assert.Empty(await AuditAsync(host, "silence"));
    }

    [Fact]
    public async Task MaintenancePlannedInTheConsoleShowsOnTheServiceUntilItIsEnded()
    {
        var (host, bob, service, _) = await ArrangeAsync();
        await using var _ = host;
        Assert.DoesNotContain("id=\"in-maintenance\"", await bob.GetPageAsync($"/services/{service}"), StringComparison.Ordinal);
        var planned = await bob.PostFormAsync("/maintenance", "/maintenance?handler=Create",
            ("Service", service.ToString()), ("Reason", "Database upgrade"), ("StartsAt", ""), ("DurationMinutes", "240"));
        Assert.Equal(HttpStatusCode.Redirect, planned.StatusCode);
        var window = Assert.Single((await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/services/payments-api/maintenance")).EnumerateArray());
        Assert.True(window.GetProperty("active").GetBoolean());
        Assert.Contains("Database upgrade", await bob.GetPageAsync($"/services/{service}"), StringComparison.Ordinal);
        Assert.Contains("id=\"in-maintenance\"", await bob.GetPageAsync($"/services/{service}"), StringComparison.Ordinal);
        Assert.Equal([("created", "Bob Okafor")], await AuditAsync(host, "maintenance_window"));

        // A start in the past of the person's zone (Europe/Berlin) is refused beside the time, nothing written.
        var refused = await bob.PostFormAsync("/maintenance", "/maintenance?handler=Create",
            ("Service", service.ToString()), ("Reason", "Too late"), ("StartsAt", "2026-11-20T10:00"), ("DurationMinutes", "60"));
        Assert.Contains("The maintenance must end in the future", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Single((await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/services/payments-api/maintenance")).EnumerateArray());

        var ended = await bob.PostFormAsync("/maintenance", "/maintenance?handler=End", ("id", window.GetProperty("id").GetString()!), ("serviceId", service.ToString()));
        Assert.Equal(HttpStatusCode.Redirect, ended.StatusCode);
        Assert.DoesNotContain("id=\"in-maintenance\"", await bob.GetPageAsync($"/services/{service}"), StringComparison.Ordinal);
        Assert.Equal([("created", "Bob Okafor"), ("updated", "Bob Okafor")], await AuditAsync(host, "maintenance_window"));
    }

    [Fact]
    public async Task SilencesAndMaintenanceEndAtADateAndTimeInThePersonsOwnZone()
    {
        var (host, _, service, _) = await ArrangeAsync();
        await using var _ = host;
        (await host.Admin().PutAsJsonAsync("/api/v1/users/alice@example.com/password", new { newPassword = Password })).EnsureSuccessStatusCode();
        var alice = new ConsoleClient(host); // Europe/Berlin: CET, an hour ahead of UTC in November
        await alice.SignInAsync("alice@example.com", Password);
        var form = await alice.GetPageAsync("/silences");
        Assert.Contains("Or until (Europe/Berlin) <input name=\"EndsAt\"", form, StringComparison.Ordinal);

        var made = await alice.PostFormAsync("/silences", "/silences?handler=Create",
            ("Service", service.ToString()), ("Matchers[0].Name", "alertname"), ("Matchers[0].Op", "="), ("Matchers[0].Value", "DiskFull"),
            ("Reason", "Until the disk is grown tonight"), ("StartsAt", ""), ("DurationMinutes", "30"), ("EndsAt", "2026-11-24T23:30"));
        Assert.Equal(HttpStatusCode.Redirect, made.StatusCode);
        var silence = Assert.Single((await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/silences?active=true")).EnumerateArray());
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 22, 30, 0, TimeSpan.Zero), silence.GetProperty("endsAt").GetDateTimeOffset()); // the end wins over the length
        Assert.Contains("Tue 24 Nov 23:30 CET", await alice.GetPageAsync("/silences"), StringComparison.Ordinal);

        // Maintenance longer than the lengths offered (ten days), from Berlin's evening to a morning.
        var planned = await alice.PostFormAsync("/maintenance", "/maintenance?handler=Create",
            ("Service", service.ToString()), ("Reason", "Data centre move"), ("StartsAt", "2026-11-25T22:00"), ("DurationMinutes", "60"), ("EndsAt", "2026-12-05T06:00"));
        Assert.Equal(HttpStatusCode.Redirect, planned.StatusCode);
        var window = Assert.Single((await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/services/payments-api/maintenance")).EnumerateArray());
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 21, 0, 0, TimeSpan.Zero), window.GetProperty("startsAt").GetDateTimeOffset());
        Assert.Equal(new DateTimeOffset(2026, 12, 5, 5, 0, 0, TimeSpan.Zero), window.GetProperty("endsAt").GetDateTimeOffset());

        // An end before now, or one that is no date, is refused beside the end; nothing is written.
        var past = await alice.PostFormAsync("/silences", "/silences?handler=Create",
            ("Service", service.ToString()), ("Matchers[0].Name", "alertname"), ("Matchers[0].Op", "="), ("Matchers[0].Value", "Other"),
            ("Reason", "Too late"), ("StartsAt", ""), ("DurationMinutes", "30"), ("EndsAt", "2026-11-24T08:00"));
        Assert.Contains("The silence must end in the future", await past.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var garbled = await alice.PostFormAsync("/maintenance", "/maintenance?handler=Create",
            ("Service", service.ToString()), ("Reason", "x"), ("StartsAt", ""), ("DurationMinutes", "60"), ("EndsAt", "next tuesday"));
        Assert.Contains("Give the end as a date and time", await garbled.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Single((await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/silences")).EnumerateArray());
        Assert.Single((await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/services/payments-api/maintenance")).EnumerateArray());
    }
}
