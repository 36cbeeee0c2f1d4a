using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Steady.Server.Tests.OnCall;

/// <summary>The iCal feeds, read back by a real parser (Ical.Net), against the calculator's final schedule.</summary>
public sealed class CalendarFeedTests
{
    private static async Task<(SteadyHost Host, string Schedule, Guid Ana, Guid Ben)> ArrangeAsync(Action<Microsoft.AspNetCore.Hosting.IWebHostBuilder>? configure = null)
    {
        var host = await SteadyHost.StartAsync(configure);
        // A week around Berlin's spring-forward night (2027-03-28) lies inside the feed's window.
        host.Clock.SetUtcNow(new DateTimeOffset(2027, 3, 20, 12, 0, 0, TimeSpan.Zero));
        var team = (await (await host.Admin().PostAsJsonAsync("/api/v1/teams", new { name = "Feeds" })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var ana = (await host.CreateUserAsync("Ana Feed")).Id;
        var ben = (await host.CreateUserAsync("Ben Feed")).Id;
        (await host.Admin().PostAsJsonAsync("/api/v1/schedules", new
        {
            name = "berlin-daily",
            team = team.ToString(),
            timeZone = "Europe/Berlin",
            layers = new[] { new { name = "daily", participants = new[] { ana, ben }, firstHandoff = "2027-03-01T09:00", rotation = "daily" } },
        })).EnsureSuccessStatusCode();
        return (host, "berlin-daily", ana, ben);
    }

    private static async Task<Ical.Net.Calendar> ReadAsync(SteadyHost host, string url)
    {
        var response = await host.Anonymous().GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/calendar", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        Assert.All(text.Split("\r\n"), line => Assert.True(System.Text.Encoding.UTF8.GetByteCount(line) <= 75, line));
        return Ical.Net.Calendar.Load(text)!;
    }

    [Fact]
    public async Task AFeedFetchedTooOftenIsAnswered429WithRetryAfterAndAgainAfterThatWait()
    {
        var (host, schedule, _, _) = await ArrangeAsync(b =>
        {
            b.UseSetting("Steady:CalendarFeeds:RequestsPerMinutePerFeed", "2"); // a fetch every 30 s
            b.UseSetting("Steady:CalendarFeeds:BurstPerFeed", "3");
            b.UseSetting("Steady:CalendarFeeds:RequestsPerMinutePerAddress", "6");
            b.UseSetting("Steady:CalendarFeeds:BurstPerAddress", "6");
        });
        await using var _ = host;
        var url = await FeedUrlAsync(host, $"/api/v1/schedules/{schedule}/calendar-feed");

        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.OK, (await host.Anonymous().GetAsync(url)).StatusCode);
        var refused = await host.Anonymous().GetAsync(url);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(30), refused.Headers.RetryAfter?.Delta);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Contains("This calendar feed is fetched faster than 2 times per minute; retry in 30 s.", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        host.Clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.OK, (await host.Anonymous().GetAsync(url)).StatusCode);

        // Per address, whatever the feed: tokens that are no feed (guessing) run out the address's six a minute.
        HttpResponseMessage byAddress;
        var guesses = 0;
        do
            byAddress = await host.Anonymous().GetAsync($"/ical/users/guessed-token-{guesses++:D4}-0123456789abcdef.ics");
        while (byAddress.StatusCode == HttpStatusCode.NotFound && guesses < 10);
        Assert.Equal(HttpStatusCode.TooManyRequests, byAddress.StatusCode);
        Assert.Contains("This address fetches calendar feeds faster than 6 per minute", await byAddress.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(10), byAddress.Headers.RetryAfter?.Delta);
    }

    private static async Task<string> FeedUrlAsync(SteadyHost host, string path)
    {
        var created = await host.Admin().PostAsync(path, null);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("url").GetString()!;
    }

    [Fact]
    public async Task AScheduleFeedHoldsTheCalculatorsShiftsIncludingTheShortDayOfTheSpringForward()
    {
        var (host, schedule, _, _) = await ArrangeAsync();
        await using var _ = host;
        var created = await host.Admin().PostAsync($"/api/v1/schedules/{schedule}/calendar-feed", null);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var url = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("url").GetString()!;
        Assert.Matches(@"/ical/schedules/[A-Za-z0-9_-]{43}\.ics$", url);

        var calendar = await ReadAsync(host, url);
        var events = calendar.Events.Select(e => (Start: new DateTimeOffset(e.DtStart!.AsUtc), End: new DateTimeOffset(e.DtEnd!.AsUtc), Summary: e.Summary ?? "")).OrderBy(e => e.Start).ToList();

        // The feed covers 2027-03-06 12:00Z to 2027-06-18 12:00Z with whole shifts: from the 09:00 handoff before its start to the one after its end.
        var final = await host.Admin().GetFromJsonAsync<JsonElement>($"/api/v1/schedules/{schedule}/final?from=2027-03-06T08:00:00Z&to=2027-06-19T07:00:00Z");
        var expected = final.GetProperty("shifts").EnumerateArray()
            .Select(s => (Start: s.GetProperty("start").GetDateTimeOffset(), End: s.GetProperty("end").GetDateTimeOffset(), Summary: $"On call: {s.GetProperty("userName").GetString()} (berlin-daily)"))
            .ToList();
        Assert.Equal(expected, events);
        // 09:00 Berlin both days: 08:00Z before the change, 07:00Z after it — a 23-hour shift.
        var shortDay = Assert.Single(events, e => e.Start == DateTimeOffset.Parse("2027-03-27T08:00:00Z"));
        Assert.Equal(DateTimeOffset.Parse("2027-03-28T07:00:00Z"), shortDay.End);
        Assert.Equal(events.Count, calendar.Events.Select(e => e.Uid).Distinct().Count());
    }

    [Fact]
    public async Task APersonsFeedHoldsOnlyTheirShiftsAndRotatingOrStoppingItEndsTheOldUrl()
    {
        var (host, _, ana, _) = await ArrangeAsync();
        await using var _ = host;
        var first = (await (await host.Admin().PostAsync($"/api/v1/users/{ana}/calendar-feed", null)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("url").GetString()!;

        var calendar = await ReadAsync(host, first);
        Assert.NotEmpty(calendar.Events);
        Assert.All(calendar.Events, e => Assert.Equal("On call: berlin-daily", e.Summary));
        // Every other day, 24 hours — 23 over the spring-forward night; the shifts at the window's edges whole too.
        var whole = calendar.Events.ToList();
        Assert.InRange(whole.Count, 50, 54);
        Assert.All(whole, e => Assert.Equal(e.DtStart!.AsUtc.Date == new DateTime(2027, 3, 27) ? 23 : 24, (e.DtEnd!.AsUtc - e.DtStart.AsUtc).TotalHours));

        var second = (await (await host.Admin().PostAsync($"/api/v1/users/{ana}/calendar-feed", null)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("url").GetString()!;
        Assert.NotEqual(first, second);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Anonymous().GetAsync(first)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Anonymous().GetAsync(second)).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await host.Admin().DeleteAsync($"/api/v1/users/{ana}/calendar-feed")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Anonymous().GetAsync(second)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Anonymous().GetAsync("/ical/users/not-a-token-at-all-but-long-enough.ics")).StatusCode);
        var hashes = await host.WithDbAsync((db, _) => Task.FromResult(db.CalendarFeeds.Select(f => f.TokenHash).ToList()));
        Assert.DoesNotContain(hashes, h => second.Contains(h, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AFeedFetchedAt1128StartsAndEndsEveryShiftAtARealHandoffWithTheSameUidInEveryFetchAsTwoParsersRead()
    {
        var (host, schedule, _, ben) = await ArrangeAsync();
        await using var _ = host;
        // Ben covers from Thursday 14:00 to Friday 14:00 Berlin: those are handoffs too.
        (await host.Admin().PostAsJsonAsync($"/api/v1/schedules/{schedule}/overrides",
            new { user = ben.ToString(), startsAt = "2027-03-25T13:00:00Z", endsAt = "2027-03-26T13:00:00Z" })).EnsureSuccessStatusCode();
        var url = await FeedUrlAsync(host, $"/api/v1/schedules/{schedule}/calendar-feed");
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        host.Clock.SetUtcNow(new DateTimeOffset(2027, 3, 21, 10, 28, 46, TimeSpan.Zero)); // 11:28:46 in Berlin

        var text = await host.Anonymous().GetStringAsync(url);
        var events = Events(Ical.Net.Calendar.Load(text)!);

        var now = host.Clock.GetUtcNow();
        Assert.Equal(new DateTimeOffset(2027, 3, 7, 8, 0, 0, TimeSpan.Zero), events[0].Start); // the 09:00 handoff before the window opens at 03-07 10:28:46Z
        Assert.True(events[^1].End > now.AddDays(90), "the last shift runs to its handoff, past the window");
        var handoffs = new HashSet<TimeSpan> { TimeSpan.FromHours(9), TimeSpan.FromHours(14) };
        Assert.All(events, e =>
        {
            Assert.Contains(TimeZoneInfo.ConvertTime(e.Start, berlin).TimeOfDay, handoffs);
            Assert.Contains(TimeZoneInfo.ConvertTime(e.End, berlin).TimeOfDay, handoffs);
        });
        Assert.Contains(events, e => e.Start == DateTimeOffset.Parse("2027-03-25T13:00:00Z") && e.End == DateTimeOffset.Parse("2027-03-26T13:00:00Z"));
        Assert.Equal(events.Count, events.Select(e => e.Uid).Distinct().Count());

        // Python's icalendar reads the same events.
        Assert.Equal(events, await PythonEventsAsync(text));

        // Fifteen minutes later, and the next day: the same shifts, with the same UIDs.
        host.Clock.Advance(TimeSpan.FromMinutes(15));
        Assert.Equal(events, Events(Ical.Net.Calendar.Load(await host.Anonymous().GetStringAsync(url))!));
        host.Clock.Advance(TimeSpan.FromDays(1));
        var tomorrow = Events(Ical.Net.Calendar.Load(await host.Anonymous().GetStringAsync(url))!);
        Assert.Equal(events.Skip(1), tomorrow.Take(events.Count - 1));
        Assert.Equal(DateTimeOffset.Parse("2027-03-08T08:00:00Z"), tomorrow[0].Start);
    }

    private static List<(string Uid, DateTimeOffset Start, DateTimeOffset End)> Events(Ical.Net.Calendar calendar) =>
        calendar.Events.Select(e => (e.Uid!, new DateTimeOffset(e.DtStart!.AsUtc), new DateTimeOffset(e.DtEnd!.AsUtc))).OrderBy(e => e.Item2).ToList();

    /// <summary>The feed as Python's icalendar (Debian's python3-icalendar) reads it: UID, start and end of each event.</summary>
    private static async Task<List<(string Uid, DateTimeOffset Start, DateTimeOffset End)>> PythonEventsAsync(string feed)
    {
        const string script = """
            import json, sys, icalendar
            calendar = icalendar.Calendar.from_ical(sys.stdin.buffer.read())
            print(json.dumps([[str(e["UID"]), e.decoded("DTSTART").isoformat(), e.decoded("DTEND").isoformat()] for e in calendar.walk("VEVENT")]))
            """;
        var start = new System.Diagnostics.ProcessStartInfo("/usr/bin/python3", ["-c", script])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var python = System.Diagnostics.Process.Start(start)!;
        await python.StandardInput.WriteAsync(feed);
        python.StandardInput.Close();
        var output = python.StandardOutput.ReadToEndAsync();
        var errors = python.StandardError.ReadToEndAsync();
        await python.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(python.ExitCode == 0, $"python3 with icalendar (Debian's python3-icalendar, which scripts/test installs) failed: {await errors}");
        return JsonDocument.Parse(await output).RootElement.EnumerateArray()
            .Select(e => (e[0].GetString()!, DateTimeOffset.Parse(e[1].GetString()!, System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.Parse(e[2].GetString()!, System.Globalization.CultureInfo.InvariantCulture)))
            .OrderBy(e => e.Item2).ToList();
    }
}
