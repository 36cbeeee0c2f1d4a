using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Steady.Server.Data;
using Steady.Server.Features.Intake;
using static Steady.Server.Tests.AuthorizationMatrixTests;

namespace Steady.Server.Tests.Corpus;

/// <summary>
/// The bad-input corpus, generated at test time from the server's own /openapi/v1.json: for every operation,
/// from the valid request the authorization matrix makes, wrong types, nulls, missing and unknown fields,
/// duplicate keys, unpaired surrogates and invalid UTF-8 in every string, huge and tiny numbers and dates,
/// deep nesting of JSON and YAML, oversized bodies, wrong content types, bad path and query values; and for
/// every console page and form, the same spirit. It fails on any 5xx, any request not answered in time (one
/// that kills the server kills this test's process too, which fails the run), any refused request after which
/// the database differs, any invalid input that is accepted or refused without naming its field, any error
/// logged, and any secret (integration key, token) in a log line.
/// The server runs without its background workers, so that only requests change the database.
/// </summary>
public sealed class BadInputCorpusTests
{
    private static readonly Type[] Workers =
    [
        typeof(Steady.Server.Features.Paging.NodePresence), typeof(Steady.Server.Features.Paging.EscalationWorker), typeof(Steady.Server.Features.Paging.DeliveryWorker),
        typeof(HeartbeatMonitor), typeof(Steady.Server.Features.Checks.CheckRunner), typeof(Steady.Server.Features.OnCall.HandoffNotifier),
        typeof(Steady.Server.Features.Incidents.IncidentWorker), typeof(SqliteCheckpointer),
        typeof(Steady.Server.Features.StatusPage.StatusPageWorker), typeof(Steady.Server.Features.Postmortems.FollowUpWorker), typeof(Steady.Server.Features.Alerts.SuppressionWorker),
    ];

    [Fact]
    public async Task NoRequestOfAnyShapeGetsA5xxOrChangesStateWhenRefused()
    {
        var logs = new ScopedLogCapture();
        await using var host = await SteadyHost.StartAsync(builder =>
        {
            builder.UseSetting("Logging:LogLevel:Default", "Information");
            builder.UseSetting("Logging:Console:LogLevel:Default", "Warning"); // the capture reads everything; the console only what it would show
            builder.UseSetting("Logging:LogLevel:Microsoft.AspNetCore", "Information");
            builder.UseSetting("Logging:LogLevel:Microsoft.EntityFrameworkCore", "Information");
            builder.UseSetting("Steady:Intake:RequestsPerSecondPerKey", "0");
            builder.UseSetting("Steady:Incidents:EmergencyLine:SubmissionsPerWindow", "100000");
            builder.UseSetting("Steady:Incidents:EmergencyLine:RequestsPerMinute", "100000");
            builder.UseSetting("Steady:CalendarFeeds:RequestsPerMinutePerFeed", "0");
            builder.UseSetting("Steady:CalendarFeeds:RequestsPerMinutePerAddress", "0");
            builder.ConfigureLogging(l => l.AddProvider(logs));
            builder.ConfigureTestServices(services =>
            {
                foreach (var worker in services.Where(d => d.ServiceType == typeof(IHostedService) && Workers.Contains(d.ImplementationType)).ToList())
                    services.Remove(worker);
            });
        });
        var clock = Stopwatch.StartNew();
        var world = await World.CreateAsync(host);
        var api = host.Admin();
        var browser = await world.BrowserAsync(Who.OrgAdmin);
        await using var fingerprint = await DbFingerprint.OpenAsync(host.Database);
        var run = new CorpusRun(fingerprint);
        var secrets = new HashSet<string>(StringComparer.Ordinal) { SteadyHost.AdminToken, world.KeyA };

        var document = await api.GetFromJsonAsync<JsonElement>("/openapi/v1.json", TestContext.Current.CancellationToken);
        var operations = Operation.Read(document);
        Assert.True(operations.Count > 100, $"the OpenAPI document lists {operations.Count} operations");
        var covered = 0;
        foreach (var operation in operations)
        {
            var row = Matrix.SingleOrDefault(r => r.Method == operation.Method && Normalize(r.Route) == operation.Route);
            if (row is null)
            {
                run.Failures.Add($"{operation.Method} {operation.Route}: no row in the authorization matrix to make a valid request from");
                continue;
            }
            string path;
            object? body;
            try
            {
                (path, body) = await row.Arrange(world);
            }
            catch (Exception e) when (e is HttpRequestException or Xunit.Sdk.XunitException or InvalidOperationException)
            {
                run.Failures.Add($"{operation.Method} {operation.Route}: its valid request could not be arranged: {e.Message}");
                continue;
            }
            run.Moved();
            secrets.UnionWith(Secrets(operation.Route, path));
            foreach (var c in ApiCorpus.Cases(operation, path, body))
                await run.SendAsync(api, c);
            covered++;
        }

        // Every page's target first: the forms below act (one revokes service A's key, which the alert pages' targets need).
        var pages = new List<(string Route, string Path)>();
        foreach (var page in Pages.Where(p => p.Route is not ("error" or "logout")))
        {
            try
            {
                pages.Add((page.Route, (await page.Arrange(world)).Path));
            }
            catch (Exception e) when (e is HttpRequestException or Xunit.Sdk.XunitException or InvalidOperationException)
            {
                run.Failures.Add($"console page {page.Route}: its target could not be arranged: {e.Message}");
            }
        }
        run.Moved();
        foreach (var (route, path) in pages)
        {
            secrets.UnionWith(Secrets(route, path));
            var (status, html) = await run.SendAsync(browser.Http, new CorpusCase($"console page {route}", "GET", path, null, null));
            foreach (var c in ConsoleCorpus.PageCases(route, path))
                await run.SendAsync(browser.Http, c);
            if (status == 200)
            {
                foreach (var c in ConsoleCorpus.FormCases(path, html))
                    await run.SendAsync(browser.Http, c);
            }
        }

        // Whatever was accepted, every list still reads whole (with a new token: a console form revoked the admin's).
        api = host.As(await host.WithDbAsync(async (db, sp) =>
        {
            var token = Steady.Core.Accounts.Secrets.NewToken();
            sp.GetRequiredService<Steady.Server.Features.Tokens.TokenCommands>().Issue((await db.Users.SingleAsync(u => u.Email == "admin@steady.local")).Id, "after the corpus", token);
            await db.SaveChangesAsync();
            return token;
        }));
        foreach (var list in new[] { "/api/v1/alerts?limit=500", "/api/v1/incidents?limit=500", "/api/v1/audit?limit=500", "/api/v1/config/export", "/api/v1/teams", "/api/v1/services", "/api/v1/schedules", "/api/v1/escalation-policies" })
        {
            var response = await api.GetAsync(list, TestContext.Current.CancellationToken);
            if (!response.IsSuccessStatusCode)
                run.Failures.Add($"GET {list} after the corpus: {(int)response.StatusCode}");
        }

        var lines = logs.Lines;
        foreach (var (level, text) in lines.Where(l => l.Level >= LogLevel.Error).Take(20))
            run.Failures.Add($"logged at {level}: {text[..Math.Min(text.Length, 600)]}");
        foreach (var secret in secrets.Where(s => s.Length >= 12))
        {
            if (lines.FirstOrDefault(l => l.Text.Contains(secret, StringComparison.Ordinal)) is { Text: { } leak })
            {
                var at = leak.IndexOf(secret, StringComparison.Ordinal);
                run.Failures.Add($"a secret ({secret[..6]}…) in a log line: {leak[..Math.Min(leak.Length, 200)]} … {leak[Math.Max(0, at - 200)..Math.Min(leak.Length, at + 60)]}");
            }
        }

        TestContext.Current.SendDiagnosticMessage($"corpus: {run.Sent} requests over {covered} operations and {pages.Count} pages in {clock.Elapsed.TotalSeconds:0.0} s "
            + $"(answers {run.Answering.TotalSeconds:0.0} s: {string.Join(", ", run.Kinds.Select(k => $"{k.Key} {k.Value.Count} in {k.Value.Took.TotalSeconds:0.0} s"))}; database reads {run.Fingerprinting.TotalSeconds:0.0} s); statuses {string.Join(", ", run.Statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}"))}; "
            + $"slowest: {string.Join("; ", run.Slowest.OrderByDescending(s => s.Took).Take(8).Select(s => $"{s.Took.TotalMilliseconds:0} ms {s.What}"))}");
        Assert.True(run.Failures.Count == 0, $"{run.Failures.Count} broken promises in {run.Sent} requests:\n" + string.Join("\n", run.Failures.Take(80)));
    }

    /// <summary>The secrets a path carries: integration keys, emergency line keys, calendar and link tokens.</summary>
    private static IEnumerable<string> Secrets(string route, string path)
    {
        var names = route.Split('/');
        var values = path.Split('?')[0].Split('/');
        for (var i = 0; i < Math.Min(names.Length, values.Length); i++)
        {
            if (names[i] is "{key}" or "{token}" or "{token}.ics")
                yield return values[i].Replace(".ics", "", StringComparison.Ordinal);
        }
    }

    private static string Normalize(string route) => System.Text.RegularExpressions.Regex.Replace(route.TrimEnd('/'), @"\{([A-Za-z]+):[^}]+\}", "{$1}");
}
