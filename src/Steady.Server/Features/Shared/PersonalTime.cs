using Microsoft.AspNetCore.Html;
using NodaTime;
using NodaTime.Text;

namespace Steady.Server.Features.Shared;

/// <summary>
/// Instants as the signed-in person reads them: in the zone on their user record, the zone named
/// ("Tue 24 Nov 10:00 CET"), with the UTC time and the zone id on hover. Every time the console
/// shows goes through here.
/// </summary>
public sealed class PersonalTime(DateTimeZone zone)
{
    private static readonly ZonedDateTimePattern Full = ZonedDateTimePattern.CreateWithInvariantCulture("ddd d MMM HH':'mm x", DateTimeZoneProviders.Tzdb);
    private static readonly ZonedDateTimePattern Seconds = ZonedDateTimePattern.CreateWithInvariantCulture("ddd d MMM HH':'mm':'ss x", DateTimeZoneProviders.Tzdb);
    private static readonly ZonedDateTimePattern Clock = ZonedDateTimePattern.CreateWithInvariantCulture("HH':'mm x", DateTimeZoneProviders.Tzdb);
    private static readonly ZonedDateTimePattern ClockSeconds = ZonedDateTimePattern.CreateWithInvariantCulture("HH':'mm':'ss x", DateTimeZoneProviders.Tzdb);
    private static readonly ZonedDateTimePattern Day = ZonedDateTimePattern.CreateWithInvariantCulture("dddd d MMMM", DateTimeZoneProviders.Tzdb);

    public static PersonalTime For(string? zoneId) =>
        new(zoneId is null ? DateTimeZone.Utc : DateTimeZoneProviders.Tzdb.GetZoneOrNull(zoneId) ?? DateTimeZone.Utc);

    public DateTimeZone Zone { get; } = zone;

    /// <summary>The signed-in person's, for partials (a console page sets it; elsewhere UTC).</summary>
    public static PersonalTime Of(HttpContext context) => context.Items[typeof(PersonalTime)] as PersonalTime ?? For(null);

    /// <summary>"Tue 24 Nov 10:00 CET".</summary>
    public string Text(DateTimeOffset at) => Full.Format(In(at));

    /// <summary>"Tue 24 Nov 10:00:05 CET", for timelines where seconds matter.</summary>
    public string TextWithSeconds(DateTimeOffset at) => Seconds.Format(In(at));

    /// <summary>"10:00 CET", for a time today.</summary>
    public string ClockText(DateTimeOffset at) => Clock.Format(In(at));

    /// <summary>"Tuesday 24 November": the day an instant falls on, in the reader's zone (a heading above that day's times).</summary>
    public string DayText(DateTimeOffset at) => Day.Format(In(at));

    /// <summary>"2026-11-24 09:00:05 UTC".</summary>
    public static string Utc(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) + " UTC";

    /// <summary>A &lt;time&gt; element: the local text, the machine-readable instant, UTC and the zone on hover.</summary>
    public IHtmlContent Html(DateTimeOffset? at, bool seconds = false, bool clockOnly = false)
    {
        if (at is not { } value)
            return HtmlString.Empty;
        var text = clockOnly ? (seconds ? ClockSeconds.Format(In(value)) : ClockText(value)) : seconds ? TextWithSeconds(value) : Text(value);
        var iso = value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var title = $"{Utc(value)} · your zone: {Zone.Id}";
        var builder = new HtmlContentBuilder();
        builder.AppendHtml("<time datetime=\"").Append(iso).AppendHtml("\" title=\"").Append(title).AppendHtml("\">").Append(text).AppendHtml("</time>");
        return builder;
    }

    private ZonedDateTime In(DateTimeOffset at) => Instant.FromDateTimeOffset(at).InZone(Zone);
}
