using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Steady.Core.OnCall;
using Steady.Server.Features.OnCall;
using Steady.Server.Tests.Notify;

namespace Steady.Server.Tests.OnCall;

/// <summary>Handoff notices under a controlled clock, to a real webhook receiver on loopback, across a restart.</summary>
public sealed class HandoffNoticeTests
{
    private static readonly DateTimeOffset Handoff = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private static HandoffNotifier Notifier(SteadyHost host) => host.Services.GetServices<IHostedService>().OfType<HandoffNotifier>().Single();

    private static Task<List<HandoffNotice>> NoticesAsync(SteadyHost host) => host.WithDbAsync((db, _) => db.HandoffNotices.AsNoTracking().ToListAsync());

    /// <summary>Until the worker running in the background (woken by the same clock) has finished what it claimed.</summary>
    private static async Task SettledAsync(SteadyHost host)
    {
        for (var i = 0; i < 200 && (await NoticesAsync(host)).Any(n => n.Outcome == HandoffNotice.Sending); i++)
            await Task.Delay(50, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task TheIncomingPersonIsToldAnHourBeforeTheirShiftOnceEvenAcrossARestart()
    {
        using var receiver = new LoopbackReceiver();
        var host = await SteadyHost.StartAsync();
        var team = (await (await host.Admin().PostAsJsonAsync("/api/v1/teams", new { name = "Handoffs" })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var ana = (await host.CreateUserAsync("Ana Handoff")).Id;
        var ben = (await host.CreateUserAsync("Ben Handoff")).Id;
        (await host.Admin().PostAsJsonAsync($"/api/v1/users/{ben}/contact-methods", new { kind = "webhook", address = receiver.Url("ben"), settings = new { secret = "handoff-secret" } })).EnsureSuccessStatusCode();
        // Daily at 12:00 UTC: Ana on the 23rd, Ben from the 24th at 12:00.
        (await host.Admin().PostAsJsonAsync("/api/v1/schedules", new
        {
            name = "noon-rota",
            team = team.ToString(),
            timeZone = "Etc/UTC",
            layers = new[] { new { name = "daily", participants = new[] { ana, ben }, firstHandoff = "2026-11-23T12:00", rotation = "daily" } },
        })).EnsureSuccessStatusCode();

        // 09:00: nothing yet; the worker knows to wake at 11:00.
        var next = await Notifier(host).RunDueAsync(TestContext.Current.CancellationToken);
        Assert.Equal(Handoff.AddHours(-1), next);
        host.Clock.SetUtcNow(Handoff.AddHours(-1).AddSeconds(-1));
        await Notifier(host).RunDueAsync(TestContext.Current.CancellationToken);
        Assert.Empty(receiver.Requests);

        host.Clock.SetUtcNow(Handoff.AddHours(-1));
        await Notifier(host).RunDueAsync(TestContext.Current.CancellationToken);
        await SettledAsync(host);
        var request = receiver.Single();
        var body = request.Json();
        Assert.Contains("You are on call for noon-rota from Tue 2026-11-24 12:00", body.ToString(), StringComparison.Ordinal);
        Assert.Contains("You take over from Ana Handoff", body.ToString(), StringComparison.Ordinal);
        Assert.StartsWith("handoff-", request.Header("Idempotency-Key"), StringComparison.Ordinal);
        Assert.NotNull(request.Header("X-Steady-Signature"));
        var notice = Assert.Single(await NoticesAsync(host));
        Assert.Equal((ben, Handoff, Handoff.AddDays(1), HandoffNotice.Sent), (notice.UserId, notice.ShiftStart, notice.ShiftEnd, notice.Outcome));

        await Notifier(host).RunDueAsync(TestContext.Current.CancellationToken);
        Assert.Single(receiver.Requests);

        // A restart (the same database, the clock a little later, still before the shift): nothing is sent again.
        var database = host.Database;
        await host.DisposeAsyncKeepingDatabase();
        await using var restarted = await SteadyHost.StartAsync(database: database);
        restarted.Clock.SetUtcNow(Handoff.AddMinutes(-30));
        var after = await Notifier(restarted).RunDueAsync(TestContext.Current.CancellationToken);
        await SettledAsync(restarted);
        Assert.Single(receiver.Requests);
        // Next: Ana's shift on the 25th, told at 11:00 that day.
        Assert.Equal(Handoff.AddDays(1).AddHours(-1), after);
    }

    [Fact]
    public async Task SomeoneWithoutAContactMethodIsRecordedAsUnreachableAndNotRetried()
    {
        var host = await SteadyHost.StartAsync();
        await using var _ = host;
        var team = (await (await host.Admin().PostAsJsonAsync("/api/v1/teams", new { name = "Quiet" })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var ana = (await host.CreateUserAsync("Ana Quiet")).Id;
        var cem = (await host.CreateUserAsync("Cem Quiet")).Id;
        (await host.Admin().PostAsJsonAsync("/api/v1/schedules", new
        {
            name = "quiet-rota",
            team = team.ToString(),
            timeZone = "Etc/UTC",
            layers = new[] { new { name = "daily", participants = new[] { ana, cem }, firstHandoff = "2026-11-23T12:00", rotation = "daily" } },
        })).EnsureSuccessStatusCode();
        host.Clock.SetUtcNow(Handoff.AddMinutes(-10));

        await Notifier(host).RunDueAsync(TestContext.Current.CancellationToken);
        await SettledAsync(host);
        await Notifier(host).RunDueAsync(TestContext.Current.CancellationToken);

        var notice = Assert.Single(await NoticesAsync(host), n => n.UserId == cem);
        Assert.Equal(HandoffNotice.Unreachable, notice.Outcome);
        Assert.Contains("no contact method", notice.Detail, StringComparison.Ordinal);
    }
}
