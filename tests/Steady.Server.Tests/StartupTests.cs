using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Steady.Server.Data;
using Steady.Server.Features.Accounts;
using Steady.Server.Features.Setup;

namespace Steady.Server.Tests;

public sealed partial class StartupTests
{
    [Fact]
    public async Task TheBootstrapTokenBelongsToTheFirstAdministrator()
    {
        await using var host = await SteadyHost.StartAsync();
        var me = await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/me", TestContext.Current.CancellationToken);
        Assert.True(me.GetProperty("user").GetProperty("isAdmin").GetBoolean());
    }

    [Fact]
    public async Task ARestartDoesNotCreateAnotherAdministrator()
    {
        var database = await TestDatabase.CreateAsync();
        await (await SteadyHost.StartAsync(database: database)).DisposeAsyncKeepingDatabase();
        await using var host = await SteadyHost.StartAsync(database: database);
        var count = await host.WithDbAsync((db, _) => db.Users.CountAsync());
        Assert.Equal(1, count);
    }

    [Fact]
    public async Task WithoutABootstrapTokenTheFirstStartPrintsAOneTimePasswordThatMustBeChangedAtFirstSignIn()
    {
        var printed = new StringWriter();
        await using var host = await SteadyHost.StartAsync(builder =>
        {
            builder.UseSetting("Steady:Bootstrap:AdminToken", "");
            builder.ConfigureTestServices(s => s.AddSingleton(new OperatorConsole(printed)));
        });
        var text = printed.ToString();
        var password = PasswordLine().Match(text).Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(password), text);
        Assert.Contains("admin@steady.local", text);

        // The one-time password signs in, but every page sends the administrator to choose a password of their own first.
        var console = new ConsoleClient(host);
        var login = await console.PostFormAsync("/login", "/login", ("Email", "admin@steady.local"), ("Password", password));
        Assert.Equal(System.Net.HttpStatusCode.Redirect, login.StatusCode);
        foreach (var path in new[] { "/", "/tokens", "/users" })
        {
            var page = await console.GetAsync(path);
            Assert.Equal(System.Net.HttpStatusCode.Redirect, page.StatusCode);
            Assert.Equal("/account#password", page.Headers.Location!.OriginalString);
        }
        Assert.Contains("one-time password", await console.GetPageAsync("/account"));

        var changed = await console.PostFormAsync("/account", "/account?handler=Password", ("CurrentPassword", password), ("NewPassword", "the administrator's own password"));
        Assert.Equal(System.Net.HttpStatusCode.Redirect, changed.StatusCode);
        Assert.Contains("Good to see you", await console.GetPageAsync("/"));
        Assert.DoesNotContain("one-time password", await console.GetPageAsync("/account"));
    }

    [Fact]
    public async Task ASecondServerProcessOnTheSameSqliteFileExitsWithOneLineOnStandardError()
    {
        Assert.SkipWhen(TestDatabase.UsePostgres, "Only SQLite is limited to one process.");
        var database = await TestDatabase.CreateAsync();
        await using var first = await SteadyHost.StartAsync(database: database);
        var start = new System.Diagnostics.ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Steady.Server.dll"), "--urls", "http://127.0.0.1:0"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = database.Folder,
        };
        start.Environment["Steady__Database__ConnectionString"] = database.ConnectionString;
        start.Environment["Logging__LogLevel__Default"] = "None";
        using var process = System.Diagnostics.Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.Equal(1, process.ExitCode);
        var line = Assert.Single((await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("steady: Another Steady server is already using the SQLite database", line);
    }

    [Fact]
    public async Task SigtermStopsTheServerCleanlyWithExitCodeZero()
    {
        var database = await TestDatabase.CreateAsync();
        await using var server = ServerProcess.Start(database, "stdy_sigterm-test-token-000000000000000");
        await server.WaitReadyAsync();
        server.Terminate();
        var code = await server.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.True(code == 0, $"exit code {code}; the server's last lines:\n{server.Output}");
        Assert.DoesNotContain("Unhandled exception", server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheDemoLoadsAnOrganizationOnAnEmptyDatabase()
    {
        await using var host = await SteadyHost.StartAsync(b => b.UseSetting("Steady:Demo", "true"));
        var teams = await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/teams", TestContext.Current.CancellationToken);
        Assert.Equal(2, teams.GetProperty("items").GetArrayLength());
        var services = await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/services", TestContext.Current.CancellationToken);
        Assert.Contains(services.GetProperty("items").EnumerateArray(), s => s.GetProperty("name").GetString() == "payments-api");
        var keys = await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/services/payments-api/integration-keys", TestContext.Current.CancellationToken);
        Assert.Equal(1, keys.GetArrayLength());
        var policy = await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/escalation-policies/payments-oncall", TestContext.Current.CancellationToken);
        Assert.Equal(3, policy.GetProperty("steps").GetArrayLength());
        Assert.Contains("payments-api", policy.GetProperty("services").EnumerateArray().Select(s => s.GetString()));
        var oncall = await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/oncall", TestContext.Current.CancellationToken);
        Assert.All(oncall.EnumerateArray(), o => Assert.Equal(JsonValueKind.String, o.GetProperty("userName").ValueKind));
        var open = await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/alerts?status=open", TestContext.Current.CancellationToken);
        Assert.True(open.GetProperty("items").GetArrayLength() >= 10);
        // The storm on edge-proxy came as one Alertmanager group, so it is one group.
        var storm = await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/alerts?service=edge-proxy&status=open", TestContext.Current.CancellationToken);
        Assert.Equal(12, storm.GetProperty("items").GetArrayLength());
        Assert.Single(storm.GetProperty("items").EnumerateArray().Select(a => a.GetProperty("groupId").GetString()).Distinct());
        // A past incident, closed, with a published postmortem and action items still followed up (none due yet).
        var past = await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/incidents/1", TestContext.Current.CancellationToken);
        Assert.Equal("closed", past.GetProperty("status").GetString());
        var postmortem = await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/incidents/1/postmortem", TestContext.Current.CancellationToken);
        Assert.Equal("published", postmortem.GetProperty("status").GetString());
        Assert.Empty(postmortem.GetProperty("unfilled").EnumerateArray());
        var items = await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/action-items?incident=1&status=unfinished", TestContext.Current.CancellationToken);
        Assert.Equal(2, items.GetArrayLength());
        Assert.All(items.EnumerateArray(), i => Assert.True(i.GetProperty("dueAt").GetDateTimeOffset() > host.Clock.GetUtcNow().AddDays(7)));
    }

    [Fact]
    public async Task AnUnknownDatabaseProviderStopsStartupNamingTheSetting()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(async () => await SteadyHost.StartAsync(b => b.UseSetting("Steady:Database:Provider", "oracle")));
        Assert.Contains("Steady:Database:Provider", error.ToString());
    }

    [GeneratedRegex(@"password:\s+(\S+)")]
    private static partial Regex PasswordLine();
}
