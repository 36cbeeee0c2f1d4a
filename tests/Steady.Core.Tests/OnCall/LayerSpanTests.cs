using NodaTime;
using NodaTime.Text;
using Steady.Core.OnCall;

namespace Steady.Core.Tests.OnCall;

/// <summary>What importers need of a layer: a span in which it is in effect, turns of any number of seconds, restrictions that span days.</summary>
public sealed class LayerSpanTests
{
    private static readonly Guid Ana = Guid.Parse("00000000-0000-0000-0000-00000000000a");
    private static readonly Guid Ben = Guid.Parse("00000000-0000-0000-0000-00000000000b");

    private static Instant Utc(string text) => InstantPattern.ExtendedIso.Parse(text).Value;

    private static LocalDateTime Local(string text) => LocalDateTimePattern.ExtendedIso.Parse(text).Value;

    [Fact]
    public void ALayerCoversOnlyItsSpanAndItsTurnsStillCountFromTheFirstHandoff()
    {
        var layer = new Layer("span", [Ana, Ben], Local("2027-01-04T00:00:00"), ShiftLength.Daily, From: Utc("2027-01-05T12:00:00Z"), Until: Utc("2027-01-07T00:00:00Z"));
        var final = ScheduleCalculator.Final(new Rota("Etc/UTC", [layer]), Utc("2027-01-05T00:00:00Z"), Utc("2027-01-08T00:00:00Z"));
        Assert.Equal(
            [(null, "2027-01-05T00:00:00Z"), (Ben, "2027-01-05T12:00:00Z"), (Ana, "2027-01-06T00:00:00Z"), (null, "2027-01-07T00:00:00Z")],
            final.Select(s => ((Guid?)s.UserId, InstantPattern.ExtendedIso.Format(s.Start))));
    }

    [Fact]
    public void NinetyMinuteTurnsKeepTheirWallClockTimesAcrossTheSpringForward()
    {
        var layer = new Layer("short", [Ana, Ben], Local("2027-03-27T00:00:00"), new ShiftLength(5400, RotationUnit.Seconds));
        var handoffs = ScheduleCalculator.Handoffs(new Rota("Europe/Berlin", [layer]), Utc("2027-03-27T22:00:00Z"), Utc("2027-03-28T02:00:00Z"));
        // Local 00:00, 01:30, 03:00 (only 30 minutes after 01:30: the clock jumps from 02:00 to 03:00), 04:30.
        Assert.Equal([Utc("2027-03-27T23:00:00Z"), Utc("2027-03-28T00:30:00Z"), Utc("2027-03-28T01:00:00Z")], handoffs.Select(h => h.At));
    }

    [Fact]
    public void ARestrictionWithALengthSpansTheWeekendInLocalTimeAcrossDst()
    {
        var weekend = new Restriction(new LocalTime(18, 0), new LocalTime(0, 0), [IsoDayOfWeek.Friday], Period.FromHours(63));
        var layer = new Layer("weekend", [Ana], Local("2027-03-01T00:00:00"), ShiftLength.Weekly, [weekend]);
        var final = ScheduleCalculator.Final(new Rota("America/New_York", [layer]), Utc("2027-03-12T00:00:00Z"), Utc("2027-03-16T00:00:00Z"));
        var on = Assert.Single(final, s => !s.IsGap);
        Assert.Equal(Utc("2027-03-12T23:00:00Z"), on.Start); // Friday 18:00 EST
        Assert.Equal(Utc("2027-03-15T13:00:00Z"), on.End); // Monday 09:00 EDT: 62 hours elapsed, 63 on the wall clock
    }

    [Fact]
    public void DefinitionsNameWhatIsWrongWithSpansTurnsAndLengths()
    {
        var errors = new List<string>();
        var definition = new LayerDefinition("x", [Ana], "2027-01-04T00:00", "custom", ShiftSeconds: 30, Starts: "2027-01-05", Ends: null,
            Restrictions: [new RestrictionDefinition("18:00", "20:00", null, "63h"), new RestrictionDefinition("18:00", "", null, "8d")]);
        Assert.Null(Layers.Parse(definition, "layers[0]", errors));
        Assert.Contains(errors, e => e.StartsWith("layers[0].rotation must be daily, weekly, or custom", StringComparison.Ordinal));
        Assert.Contains("layers[0].starts must be an instant with its offset, like 2026-11-02T09:00:00Z.", errors);
        Assert.Contains("layers[0].restrictions[0].length must be a duration up to 7d, like 63h, given instead of an end.", errors);
        Assert.Contains("layers[0].restrictions[1].length must be a duration up to 7d, like 63h, given instead of an end.", errors);

        var good = Layers.Parse(definition with { ShiftSeconds = 5400, Starts = "2027-01-05T00:00:00+01:00", Restrictions = [new RestrictionDefinition("18:00", "", ["friday"], "63h")] }, "layers[0]", errors = []);
        Assert.Empty(errors);
        Assert.Equal(Utc("2027-01-04T23:00:00Z"), good!.From);
        Assert.Equal(Duration.FromHours(63), good.Restrictions![0].Length!.ToDuration());
    }
}
