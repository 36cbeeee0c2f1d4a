using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Steady.Core.Accounts;
using Steady.Server.Infrastructure;

namespace Steady.Server.Features.OnCall;

/// <summary>The "Steady:CalendarFeeds" section: how often the public iCal URLs may be fetched (0 turns a limit off).</summary>
public sealed class CalendarFeedOptions
{
    public const string Section = "Steady:CalendarFeeds";

    /// <summary>Fetches per minute of one feed (calendar apps poll every 15 minutes or more).</summary>
    public int RequestsPerMinutePerFeed { get; set; } = 6;

    /// <summary>How many fetches of one feed may come at once before the rate applies.</summary>
    public int BurstPerFeed { get; set; } = 20;

    /// <summary>Fetches per minute from one client address, whatever the feed (or a token that is no feed: guessing).</summary>
    public int RequestsPerMinutePerAddress { get; set; } = 60;

    /// <summary>How many fetches one address may make at once before the rate applies.</summary>
    public int BurstPerAddress { get; set; } = 120;
}

/// <summary>
/// The iCal feeds are public (the secret is in the URL) and each fetch computes months of shifts: a
/// limit per feed keeps a misbehaving calendar app from costing the server, a limit per address
/// keeps anyone from fetching (or guessing) many feeds. Per node, like the intake's limit per key.
/// </summary>
public sealed class CalendarFeedLimits(IOptions<CalendarFeedOptions> options, TimeProvider time)
{
    private readonly TokenBuckets _feeds = new(options.Value.RequestsPerMinutePerFeed, options.Value.BurstPerFeed, time);
    private readonly TokenBuckets _addresses = new(options.Value.RequestsPerMinutePerAddress, options.Value.BurstPerAddress, time);

    /// <summary>Null when this fetch may go on; else a 429 problem with Retry-After.</summary>
    public ProblemHttpResult? Check(HttpContext http, string token)
    {
        var address = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (_addresses.TryTake(address) is { } addressWait)
            return TooMany(http, addressWait, $"This address fetches calendar feeds faster than {options.Value.RequestsPerMinutePerAddress} per minute");
        if (_feeds.TryTake(Secrets.Hash(token)) is { } feedWait)
            return TooMany(http, feedWait, $"This calendar feed is fetched faster than {options.Value.RequestsPerMinutePerFeed} times per minute");
        return null;
    }

    private static ProblemHttpResult TooMany(HttpContext http, TimeSpan wait, string what)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem($"{what}; retry in {seconds} s.", statusCode: 429, title: "Too many requests.");
    }
}
