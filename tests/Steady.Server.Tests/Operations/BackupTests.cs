using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Steady.Server.Tests.Alerts;

namespace Steady.Server.Tests.Operations;

/// <summary>Backups of the running database (issue 20): written under intake, checked, admin only, audited.</summary>
public sealed class BackupTests : IAsyncLifetime
{
    private SteadyHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await SteadyHost.StartAsync();

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task ABackupTakenUnderIntakeHoldsEveryAlertAcknowledgedBeforeItAndChecksClean()
    {
        var ct = TestContext.Current.CancellationToken;
        var world = await AlertWorld.CreateAsync(_host);
        var acknowledged = new ConcurrentBag<string>();
        using var stop = new CancellationTokenSource();
        var sender = Task.Run(async () =>
        {
            for (var batch = 0; !stop.IsCancellationRequested && batch < 2_000; batch++)
            {
                var keys = Enumerable.Range(0, 10).Select(i => $"b{batch}-a{i}").ToList();
                var response = await world.PostAsync("generic", keys.Select(k => new { summary = "load " + k, dedup_key = k }).ToArray());
                if (response.StatusCode == HttpStatusCode.Accepted)
                    keys.ForEach(acknowledged.Add);
            }
        }, ct);
        while (acknowledged.Count < 100 && !sender.IsCompleted)
            await Task.Delay(10, ct);
        var before = acknowledged.Count;

        var response = await _host.Admin().PostAsync("/api/v1/backups", null, ct);
        await stop.CancelAsync();
        await sender;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var backup = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        var file = backup.GetProperty("file").GetString()!;
        Assert.StartsWith("steady-", file);
        Assert.EndsWith(_host.Database.IsSqlite ? ".db" : ".dump", file);
        Assert.True(backup.GetProperty("bytes").GetInt64() > 0);

        var check = await _host.Admin().GetFromJsonAsync<JsonElement>($"/api/v1/backups/{file}/check", ct);
        Assert.Equal("ok", check.GetProperty("integrity").GetString());
        Assert.Equal(check.GetProperty("expectedSchemaVersion").GetInt32(), check.GetProperty("schemaVersion").GetInt32());
        Assert.True(check.GetProperty("rows").GetProperty("alerts").GetInt64() >= before,
            $"the backup holds {check.GetProperty("rows").GetProperty("alerts").GetInt64()} alerts; {before} were acknowledged before it began");
        Assert.True(check.GetProperty("rows").GetProperty("users").GetInt64() >= 1);

        var audit = await _host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/audit?entityType=database", ct);
        var entry = Assert.Single(audit.GetProperty("items").EnumerateArray());
        Assert.Equal("backed_up", entry.GetProperty("action").GetString());
        Assert.Equal(file, entry.GetProperty("entityId").GetString());
    }

    [Fact]
    public async Task OnlyOrganizationAdminsBackUpOrCheck()
    {
        var ct = TestContext.Current.CancellationToken;
        var (_, token) = await _host.CreateUserAsync("Plain member");
        var member = _host.As(token);
        var response = await member.PostAsync("/api/v1/backups", null, ct);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync("/api/v1/backups/steady-x.db/check", ct)).StatusCode);
    }

    [Fact]
    public async Task CheckingSomethingThatIsNotABackupIsAProblemNamingIt()
    {
        var ct = TestContext.Current.CancellationToken;
        var missing = await _host.Admin().GetAsync("/api/v1/backups/steady-20200101T000000000Z.db/check", ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, missing.StatusCode);
        Assert.Contains("no backup named", (await missing.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("detail").GetString());
        var outside = await _host.Admin().GetAsync("/api/v1/backups/appsettings.json/check", ct);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, outside.StatusCode);
    }
}
