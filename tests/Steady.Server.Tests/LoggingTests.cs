using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Steady.Server.Tests.Alerts;
using Steady.Server.Tests.Corpus;

namespace Steady.Server.Tests;

/// <summary>Logs carry no secrets and no false alarms: whatever the log level, no path with a key or token; a conflict the code answers is not an error.</summary>
public sealed class LoggingTests
{
    [Fact]
    public async Task IntegrationKeysAndTokensAppearInNoLogLineEvenAtTrace()
    {
        var logs = new ScopedLogCapture();
        await using var host = await SteadyHost.StartAsync(builder =>
        {
            builder.UseSetting("Logging:LogLevel:Default", "Trace");
            builder.UseSetting("Logging:Console:LogLevel:Default", "Warning");
            builder.ConfigureLogging(l => l.AddProvider(logs));
        });
        var cancel = TestContext.Current.CancellationToken;
        var world = await AlertWorld.CreateAsync(host);
        var anonymous = host.Anonymous();
        (await world.PostAsync("generic", new { summary = "fine" })).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.BadRequest, (await world.PostRawAsync($"/intake/{world.Key}/generic", "{\"summary\":\"\\ud800\"}")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await world.PostRawAsync("/v2/enqueue", $"{{\"routing_key\":\"{world.Key}\",\"event_action\":\"explode\"}}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.PostAsync("/intake/NotAKeyButSecretAnyway123/generic", JsonContent.Create(new { summary = "x" }), cancel)).StatusCode);
        (await anonymous.GetAsync($"/intake/{world.Key}/heartbeat?name=hb", cancel)).EnsureSuccessStatusCode();
        var schedule = await host.Admin().PostAsJsonAsync("/api/v1/schedules", new { name = "logged", team = world.TeamId.ToString(), timeZone = "UTC" }, cancel);
        var scheduleId = (await schedule.Content.ReadFromJsonAsync<JsonElement>(cancel)).GetProperty("id").GetGuid();
        var feed = new Uri((await (await host.Admin().PostAsync($"/api/v1/schedules/{scheduleId}/calendar-feed", null, cancel)).Content.ReadFromJsonAsync<JsonElement>(cancel)).GetProperty("url").GetString()!);
        (await anonymous.GetAsync(feed.AbsolutePath, cancel)).EnsureSuccessStatusCode();
        var token = feed.AbsolutePath.Split('/')[^1].Replace(".ics", "", StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.As("stdy_not-a-real-token-but-a-secret-0000").GetAsync("/api/v1/me", cancel)).StatusCode);

        var lines = logs.Lines;
        Assert.NotEmpty(lines);
        foreach (var secret in new[] { world.Key, token, "NotAKeyButSecretAnyway123", SteadyHost.AdminToken, "stdy_not-a-real-token-but-a-secret-0000" })
            Assert.DoesNotContain(lines, l => l.Text.Contains(secret, StringComparison.Ordinal));
    }

    [Fact]
    public void AnUnhandledErrorIsLoggedWithTheRoutesTemplateNotItsPath()
    {
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        context.Request.Path = "/intake/a-secret-integration-key/generic";
        var endpoint = new Microsoft.AspNetCore.Routing.RouteEndpoint(_ => Task.CompletedTask, Microsoft.AspNetCore.Routing.Patterns.RoutePatternFactory.Parse("/intake/{key}/generic"), 0, null, null);
        // The exception handler clears the request's endpoint before handlers run; its feature keeps it.
        context.Features.Set<Microsoft.AspNetCore.Diagnostics.IExceptionHandlerFeature>(new Microsoft.AspNetCore.Diagnostics.ExceptionHandlerFeature { Error = new InvalidOperationException(), Endpoint = endpoint, Path = context.Request.Path });
        Assert.Equal("/intake/{key}/generic", Steady.Server.Infrastructure.ErrorHandling.RouteOf(context));
    }

    [Fact]
    public async Task AUniqueKeyConflictTheCodeAnswersIsNotLoggedAsAnError()
    {
        var logs = new ScopedLogCapture();
        await using var host = await SteadyHost.StartAsync(builder => builder.ConfigureLogging(l => l.AddProvider(logs)));
        var cancel = TestContext.Current.CancellationToken;
        var world = await AlertWorld.CreateAsync(host);
        var (user, _) = await host.CreateUserAsync("Conflicted");
        object Policy() => new { name = "twice", team = world.TeamId.ToString(), escalation_chain = new[] { new { notify = user.ToString() } } };
        (await host.Admin().PostAsJsonAsync("/api/v1/escalation-policies", Policy(), cancel)).EnsureSuccessStatusCode();

        var again = await host.Admin().PostAsJsonAsync("/api/v1/escalation-policies", Policy(), cancel);

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.DoesNotContain(logs.Lines, l => l.Level >= LogLevel.Warning && l.Text.Contains("Microsoft.EntityFrameworkCore", StringComparison.Ordinal));
    }
}
