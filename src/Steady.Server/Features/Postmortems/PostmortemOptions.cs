using Steady.Core.Postmortems;

namespace Steady.Server.Features.Postmortems;

/// <summary>Steady:Postmortems — how action items are followed up, and the zone due dates are counted in.</summary>
public sealed class PostmortemOptions
{
    public const string Section = "Steady:Postmortems";

    /// <summary>How long before the due date the owner gets the first reminder.</summary>
    public TimeSpan RemindBefore { get; set; } = ReminderPolicy.Default.Before;

    /// <summary>How often an overdue item's owner is reminded.</summary>
    public TimeSpan RemindEvery { get; set; } = ReminderPolicy.Default.Every;

    /// <summary>After this many reminders, the team's admins are told too.</summary>
    public int TellAdminsAfter { get; set; } = ReminderPolicy.Default.TellAdminsAfter;

    /// <summary>
    /// The organisation's time zone (an IANA id): postmortem due dates are counted on its calendar (its
    /// weekends, the same local time of day across DST). UTC by default.
    /// </summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>The zone <see cref="TimeZone"/> names (checked at start: an unknown id stops the server).</summary>
    public NodaTime.DateTimeZone Zone => NodaTime.DateTimeZoneProviders.Tzdb.GetZoneOrNull(TimeZone.Trim()) ?? NodaTime.DateTimeZone.Utc;

    public ReminderPolicy Policy => new(RemindBefore, RemindEvery <= TimeSpan.Zero ? ReminderPolicy.Default.Every : RemindEvery, TellAdminsAfter);
}
