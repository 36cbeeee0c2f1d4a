using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Steady.Core;
using Steady.Core.Accounts;
using Steady.Core.OnCall;
using Steady.Server.Data;
using Steady.Server.Features.Accounts;
using Steady.Server.Infrastructure;

namespace Steady.Server.Features.OnCall;

/// <summary>Made or rotated: the secret URL, shown this once (only its hash is kept).</summary>
public sealed record CalendarFeedDto(string Url, DateTimeOffset CreatedAt);

/// <summary>
/// iCal (RFC 5545) feeds of on-call shifts at secret URLs, per schedule and per person, for any
/// calendar app. Each event is a whole shift — from the handoff it starts at to the one it ends at,
/// never cut to the feed's window — with a UID made from the schedule, the person and the start, so
/// the same shift is the same event in every fetch. Creating a feed again rotates it: the old URL
/// stops working at once.
/// </summary>
public static class CalendarFeeds
{
    /// <summary>The window a feed covers: the shifts that overlap the past two weeks and the next 90 days.</summary>
    public static readonly TimeSpan Past = TimeSpan.FromDays(14);

    public static readonly TimeSpan Ahead = TimeSpan.FromDays(90);

    public static RouteGroupBuilder MapCalendarFeedsApi(this RouteGroupBuilder api)
    {
        api.MapPost("/schedules/{schedule}/calendar-feed", CreateForSchedule).WithTags("Schedules")
            .WithSummary("Make (or rotate) the schedule's secret iCal feed URL; the URL is shown only in this answer (responders of its team)");
        api.MapDelete("/schedules/{schedule}/calendar-feed", DeleteForSchedule).WithTags("Schedules").WithSummary("Stop the schedule's iCal feed (responders of its team)");
        api.MapPost("/users/{user}/calendar-feed", CreateForUser).WithTags("Users")
            .WithSummary("Make (or rotate) a person's secret iCal feed of their shifts in every schedule (the person, or organization admins)");
        api.MapDelete("/users/{user}/calendar-feed", DeleteForUser).WithTags("Users").WithSummary("Stop a person's iCal feed (the person, or organization admins)");
        return api;
    }

    /// <summary>The feeds themselves: no sign-in, the token in the URL is the credential.</summary>
    public static IEndpointRouteBuilder MapCalendarFeeds(this IEndpointRouteBuilder app)
    {
        app.MapGet("/ical/schedules/{token}.ics", ScheduleFeed).AllowAnonymous().WithTags("Calendar feeds").WithSummary("A schedule's shifts as iCal, by its secret token (rate limited per feed and per address: 429 with Retry-After)");
        app.MapGet("/ical/users/{token}.ics", UserFeed).AllowAnonymous().WithTags("Calendar feeds").WithSummary("A person's shifts as iCal, by their secret token (rate limited per feed and per address: 429 with Retry-After)");
        return app;
    }

    private static async Task<Results<Created<CalendarFeedDto>, ProblemHttpResult>> CreateForSchedule(string schedule, HttpContext http, SteadyDb db, ActorAccessor actors, TimeProvider time, CancellationToken cancellationToken)
    {
        var found = await db.ScheduleAsync(schedule, false, cancellationToken);
        if (found is null)
            return Problems.NotFound($"Schedule '{schedule}'");
        var actor = await actors.RequireAsync(cancellationToken);
        if (!Permissions.CanRespondFor(actor, found.TeamId))
            return Problems.Forbidden("Only responders of the schedule's team can make or rotate its calendar feed.");
        var dto = await IssueAsync(db, CalendarFeed.ScheduleKind, found.Id, actor.Name, http.PublicUrl(), time, cancellationToken);
        return TypedResults.Created($"/api/v1/schedules/{found.Id}/calendar-feed", dto);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteForSchedule(string schedule, SteadyDb db, ActorAccessor actors, CancellationToken cancellationToken)
    {
        var found = await db.ScheduleAsync(schedule, false, cancellationToken);
        if (found is null)
            return Problems.NotFound($"Schedule '{schedule}'");
        if (!Permissions.CanRespondFor(await actors.RequireAsync(cancellationToken), found.TeamId))
            return Problems.Forbidden("Only responders of the schedule's team can stop its calendar feed.");
        return await RemoveAsync(db, CalendarFeed.ScheduleKind, found.Id, cancellationToken) ? TypedResults.NoContent() : Problems.NotFound("The calendar feed");
    }

    private static async Task<Results<Created<CalendarFeedDto>, ProblemHttpResult>> CreateForUser(string user, HttpContext http, SteadyDb db, ActorAccessor actors, TimeProvider time, CancellationToken cancellationToken)
    {
        var found = await db.UserAsync(user, cancellationToken);
        if (found is null)
            return Problems.NotFound($"User '{user}'");
        var actor = await actors.RequireAsync(cancellationToken);
        if (!Permissions.CanEditUser(actor, found.Id))
            return Problems.Forbidden("Only the person and organization administrators can make a person's calendar feed.");
        var dto = await IssueAsync(db, CalendarFeed.UserKind, found.Id, actor.Name, http.PublicUrl(), time, cancellationToken);
        return TypedResults.Created($"/api/v1/users/{found.Id}/calendar-feed", dto);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteForUser(string user, SteadyDb db, ActorAccessor actors, CancellationToken cancellationToken)
    {
        var found = await db.UserAsync(user, cancellationToken);
        if (found is null)
            return Problems.NotFound($"User '{user}'");
        if (!Permissions.CanEditUser(await actors.RequireAsync(cancellationToken), found.Id))
            return Problems.Forbidden("Only the person and organization administrators can stop a person's calendar feed.");
        return await RemoveAsync(db, CalendarFeed.UserKind, found.Id, cancellationToken) ? TypedResults.NoContent() : Problems.NotFound("The calendar feed");
    }

    /// <summary>A new token for the subject, replacing any earlier one in the same save (shared with the console).</summary>
    internal static async Task<CalendarFeedDto> IssueAsync(SteadyDb db, string kind, Guid subject, string actorName, string baseUrl, TimeProvider time, CancellationToken cancellationToken)
    {
        db.CalendarFeeds.RemoveRange(await db.CalendarFeeds.Where(f => f.Kind == kind && f.SubjectId == subject).ToListAsync(cancellationToken));
        await db.SaveChangesAsync(cancellationToken);
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var feed = new CalendarFeed { Id = Ids.New(time), Kind = kind, SubjectId = subject, TokenHash = Secrets.Hash(token), CreatedAt = time.GetUtcNow(), CreatedBy = actorName };
        db.CalendarFeeds.Add(feed);
        await db.SaveChangesAsync(cancellationToken);
        return new CalendarFeedDto($"{baseUrl}/ical/{(kind == CalendarFeed.ScheduleKind ? "schedules" : "users")}/{token}.ics", feed.CreatedAt);
    }

    internal static async Task<bool> RemoveAsync(SteadyDb db, string kind, Guid subject, CancellationToken cancellationToken)
    {
        var feeds = await db.CalendarFeeds.Where(f => f.Kind == kind && f.SubjectId == subject).ToListAsync(cancellationToken);
        if (feeds.Count == 0)
            return false;
        db.CalendarFeeds.RemoveRange(feeds);
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> ScheduleFeed(string token, HttpContext http, CalendarFeedLimits limits, SteadyDb db, TimeProvider time, CancellationToken cancellationToken)
    {
        if (limits.Check(http, token) is { } refused)
            return refused;
        var feed = await FindAsync(db, CalendarFeed.ScheduleKind, token, cancellationToken);
        var schedule = feed is null ? null : await db.Schedules.AsNoTracking().FirstOrDefaultAsync(s => s.Id == feed.SubjectId, cancellationToken);
        if (schedule is null)
            return Problems.NotFound("The calendar feed");
        var now = time.GetUtcNow();
        var shifts = await SchedulesApi.WholeShiftsAsync(db, schedule, now - Past, now + Ahead, cancellationToken);
        var events = shifts.Select(s => new CalendarEvent(Uid(schedule.Id, s), s.Start, s.End, $"On call: {s.UserName} ({schedule.Name})", $"{s.UserName} is on call for {schedule.Name} ({s.Source})."));
        return Calendar($"On call: {schedule.Name}", events, now);
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> UserFeed(string token, HttpContext http, CalendarFeedLimits limits, SteadyDb db, TimeProvider time, CancellationToken cancellationToken)
    {
        if (limits.Check(http, token) is { } refused)
            return refused;
        var feed = await FindAsync(db, CalendarFeed.UserKind, token, cancellationToken);
        var user = feed is null ? null : await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == feed.SubjectId, cancellationToken);
        if (user is null)
            return Problems.NotFound("The calendar feed");
        var now = time.GetUtcNow();
        var events = new List<CalendarEvent>();
        foreach (var schedule in await db.Schedules.AsNoTracking().OrderBy(s => s.Name).ToListAsync(cancellationToken))
        {
            foreach (var s in (await SchedulesApi.WholeShiftsAsync(db, schedule, now - Past, now + Ahead, cancellationToken)).Where(s => s.UserId == user.Id))
                events.Add(new CalendarEvent(Uid(schedule.Id, s), s.Start, s.End, $"On call: {schedule.Name}", $"You are on call for {schedule.Name} ({s.Source})."));
        }
        return Calendar($"On call: {user.Name}", events, now);
    }

    private static async Task<CalendarFeed?> FindAsync(SteadyDb db, string kind, string token, CancellationToken cancellationToken)
    {
        if (token.Length is < 20 or > 100)
            return null;
        var hash = Secrets.Hash(token);
        return await db.CalendarFeeds.AsNoTracking().FirstOrDefaultAsync(f => f.TokenHash == hash && f.Kind == kind, cancellationToken);
    }

    /// <summary>The same shift keeps its UID across fetches, so calendars update it rather than duplicate it.</summary>
    private static string Uid(Guid schedule, ShiftDto shift) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{schedule}/{shift.UserId}/{shift.Start.ToUnixTimeSeconds()}")))[..32] + "@steady";

    private static ContentHttpResult Calendar(string name, IEnumerable<CalendarEvent> events, DateTimeOffset now) =>
        TypedResults.Text(ICalendar.Write(name, events, now), "text/calendar; charset=utf-8");
}

public sealed record CalendarEvent(string Uid, DateTimeOffset Start, DateTimeOffset End, string Summary, string Description);

/// <summary>RFC 5545 text: CRLF lines folded at 75 octets, TEXT values escaped, instants in UTC.</summary>
public static class ICalendar
{
    public static string Write(string name, IEnumerable<CalendarEvent> events, DateTimeOffset stamp)
    {
        var text = new StringBuilder();
        void Line(string line) => Fold(text, line);
        Line("BEGIN:VCALENDAR");
        Line("VERSION:2.0");
        Line("PRODID:-//Steady//On-call schedules//EN");
        Line("CALSCALE:GREGORIAN");
        Line("METHOD:PUBLISH");
        Line("X-WR-CALNAME:" + Escape(name));
        foreach (var e in events)
        {
            Line("BEGIN:VEVENT");
            Line("UID:" + e.Uid);
            Line("DTSTAMP:" + Utc(stamp));
            Line("DTSTART:" + Utc(e.Start));
            Line("DTEND:" + Utc(e.End));
            Line("SUMMARY:" + Escape(e.Summary));
            Line("DESCRIPTION:" + Escape(e.Description));
            Line("TRANSP:TRANSPARENT");
            Line("END:VEVENT");
        }
        Line("END:VCALENDAR");
        return text.ToString();
    }

    public static string Utc(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    public static string Escape(string value) => value
        .Replace("\\", "\\\\", StringComparison.Ordinal)
        .Replace(";", "\\;", StringComparison.Ordinal)
        .Replace(",", "\\,", StringComparison.Ordinal)
        .Replace("\r\n", "\\n", StringComparison.Ordinal)
        .Replace("\n", "\\n", StringComparison.Ordinal)
        .Replace("\r", "", StringComparison.Ordinal);

    /// <summary>Lines longer than 75 octets continue on the next line after a space, never splitting a UTF-8 character.</summary>
    private static void Fold(StringBuilder text, string line)
    {
        var octets = 0;
        var limit = 75;
        foreach (var rune in line.EnumerateRunes())
        {
            var size = rune.Utf8SequenceLength;
            if (octets + size > limit)
            {
                text.Append("\r\n ");
                octets = 0;
                limit = 74; // the leading space counts
            }
            text.Append(rune.ToString());
            octets += size;
        }
        text.Append("\r\n");
    }
}
