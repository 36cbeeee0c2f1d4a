using NodaTime;
using NodaTime.Text;

namespace Steady.Server.Features.OnCall.Schedules;

/// <summary>Instants as people of a schedule read them: in its zone, "Tue 24 Nov 09:00 CET".</summary>
public static class Zoned
{
    private static readonly ZonedDateTimePattern Pattern = ZonedDateTimePattern.CreateWithInvariantCulture("ddd d MMM HH':'mm x", DateTimeZoneProviders.Tzdb);

    public static string Format(DateTimeOffset? instant, string zoneId)
    {
        if (instant is not { } value)
            return "";
        var zone = DateTimeZoneProviders.Tzdb.GetZoneOrNull(zoneId) ?? DateTimeZone.Utc;
        return Pattern.Format(Instant.FromDateTimeOffset(value).InZone(zone));
    }

    public static string Time(DateTimeOffset instant, DateTimeZone zone) => Instant.FromDateTimeOffset(instant).InZone(zone).ToString("HH':'mm", null);

    /// <summary>The value an &lt;input type="datetime-local"&gt; shows for an instant in the zone.</summary>
    public static string Input(DateTimeOffset instant, DateTimeZone zone) => Instant.FromDateTimeOffset(instant).InZone(zone).LocalDateTime.ToString("uuuu'-'MM'-'dd'T'HH':'mm", null);
}
