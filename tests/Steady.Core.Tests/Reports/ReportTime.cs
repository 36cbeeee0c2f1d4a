using NodaTime;
using NodaTime.Text;

namespace Steady.Core.Tests.Reports;

/// <summary>Instants and local times written as people write them, for the report tests.</summary>
internal static class ReportTime
{
    public static readonly DateTimeZone Berlin = DateTimeZoneProviders.Tzdb["Europe/Berlin"];

    public static Instant Utc(string text) => InstantPattern.ExtendedIso.Parse(text).Value;

    /// <summary>A local time in Berlin ("2026-03-02T07:59"), resolved leniently.</summary>
    public static Instant InBerlin(string text) => Berlin.ResolveLocal(LocalDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm").Parse(text).Value, Steady.Core.OnCall.ScheduleCalculator.Resolver).ToInstant();

    public static LocalDate Date(string text) => LocalDatePattern.Iso.Parse(text).Value;
}
