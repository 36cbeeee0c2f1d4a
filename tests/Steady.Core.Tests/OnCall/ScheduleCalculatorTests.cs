using NodaTime;
using NodaTime.Text;
using Steady.Core.OnCall;

namespace Steady.Core.Tests.OnCall;

public sealed class ScheduleCalculatorTests
{
    private static readonly Guid Ana = Guid.Parse("00000000-0000-0000-0000-00000000000a");
    private static readonly Guid Ben = Guid.Parse("00000000-0000-0000-0000-00000000000b");
    private static readonly Guid Cem = Guid.Parse("00000000-0000-0000-0000-00000000000c");
    private static readonly Guid Dia = Guid.Parse("00000000-0000-0000-0000-00000000000d");

    private static Instant Utc(string text) => InstantPattern.ExtendedIso.Parse(text).Value;

    private static LocalDateTime Local(string text) => LocalDateTimePattern.ExtendedIso.Parse(text).Value;

    private static Rota Daily(string zone, string firstHandoff, params Guid[] people) =>
        new(zone, [new Layer("primary", people, Local(firstHandoff), ShiftLength.Daily)]);

    [Fact]
    public void ADailyNineOClockHandoffStaysAtNineAcrossTheSpringForwardInBerlin()
    {
        var rota = Daily("Europe/Berlin", "2026-03-20T09:00:00", Ana, Ben, Cem);
        var handoffs = ScheduleCalculator.Handoffs(rota, Utc("2026-03-27T12:00:00Z"), Utc("2026-03-31T12:00:00Z"));
        Assert.Equal(
            [Utc("2026-03-28T08:00:00Z"), Utc("2026-03-29T07:00:00Z"), Utc("2026-03-30T07:00:00Z"), Utc("2026-03-31T07:00:00Z")],
            handoffs.Select(h => h.At));
        var shifts = ScheduleCalculator.Final(rota, Utc("2026-03-28T08:00:00Z"), Utc("2026-03-30T07:00:00Z"));
        Assert.Equal([Duration.FromHours(23), Duration.FromHours(24)], shifts.Select(s => s.Length));
    }

    [Fact]
    public void AWeeklyShiftOverTheFallBackLastsOneHundredSixtyNineHours()
    {
        var rota = new Rota("Europe/Berlin", [new Layer("weekly", [Ana, Ben], Local("2026-10-05T09:00:00"), ShiftLength.Weekly)]);
        var shifts = ScheduleCalculator.Final(rota, Utc("2026-10-19T07:00:00Z"), Utc("2026-10-26T08:00:00Z"));
        var shift = Assert.Single(shifts);
        Assert.Equal(Duration.FromHours(169), shift.Length);
        Assert.Equal(Ana, shift.UserId);
        Assert.Equal(Ben, ScheduleCalculator.OnCallAt(rota, Utc("2026-10-26T08:00:00Z")));
    }

    [Fact]
    public void AHandoffInsideTheSkippedHourHappensWhenTheClockJumps()
    {
        // 02:30 does not exist in Berlin on 2026-03-29: the clock goes from 02:00 CET to 03:00 CEST.
        var rota = Daily("Europe/Berlin", "2026-03-27T02:30:00", Ana, Ben);
        var handoffs = ScheduleCalculator.Handoffs(rota, Utc("2026-03-28T00:00:00Z"), Utc("2026-03-30T12:00:00Z")).Select(h => h.At).ToList();
        Assert.Equal([Utc("2026-03-28T01:30:00Z"), Utc("2026-03-29T01:30:00Z"), Utc("2026-03-30T00:30:00Z")], handoffs);
        Assert.Equal("03:30", handoffs[1].InZone(rota.Zone).TimeOfDay.ToString("HH:mm", null));
    }

    [Fact]
    public void AHandoffInsideTheRepeatedHourHappensAtItsFirstOccurrence()
    {
        // 02:30 happens twice in Berlin on 2026-10-25: at 00:30Z (CEST) and at 01:30Z (CET).
        var rota = Daily("Europe/Berlin", "2026-10-23T02:30:00", Ana, Ben);
        var handoffs = ScheduleCalculator.Handoffs(rota, Utc("2026-10-24T12:00:00Z"), Utc("2026-10-26T12:00:00Z")).Select(h => h.At).ToList();
        Assert.Equal([Utc("2026-10-25T00:30:00Z"), Utc("2026-10-26T01:30:00Z")], handoffs);
        var shift = ScheduleCalculator.Final(rota, Utc("2026-10-25T00:30:00Z"), Utc("2026-10-26T01:30:00Z"));
        Assert.Equal(Duration.FromHours(25), Assert.Single(shift).Length);
    }

    [Fact]
    public void TwelveHourShiftsKeepTheirLocalTimesAcrossDstInNewYork()
    {
        var rota = new Rota("America/New_York", [new Layer("follow the clock", [Ana, Ben], Local("2026-03-06T09:00:00"), new ShiftLength(12, RotationUnit.Hours))]);
        var handoffs = ScheduleCalculator.Handoffs(rota, Utc("2026-03-07T12:00:00Z"), Utc("2026-03-09T15:00:00Z"));
        Assert.All(handoffs, h => Assert.Contains(h.At.InZone(rota.Zone).TimeOfDay.Hour, new[] { 9, 21 }));
        Assert.Contains(handoffs, h => h.At == Utc("2026-03-09T13:00:00Z")); // 09:00 EDT
        Assert.Contains(handoffs, h => h.At == Utc("2026-03-08T13:00:00Z")); // 09:00 EDT on the change day
        Assert.Contains(handoffs, h => h.At == Utc("2026-03-08T02:00:00Z")); // 21:00 EST the evening before
    }

    [Fact]
    public void ParticipantsTakeTurnsAndTheRotationRunsBackBeforeItsFirstHandoff()
    {
        var rota = Daily("Etc/UTC", "2026-01-10T09:00:00", Ana, Ben, Cem);
        Assert.Equal(Ana, ScheduleCalculator.OnCallAt(rota, Utc("2026-01-10T09:00:00Z")));
        Assert.Equal(Ben, ScheduleCalculator.OnCallAt(rota, Utc("2026-01-11T10:00:00Z")));
        Assert.Equal(Ben, ScheduleCalculator.OnCallAt(rota, Utc("2026-01-12T08:59:59Z")));
        Assert.Equal(Cem, ScheduleCalculator.OnCallAt(rota, Utc("2026-01-12T09:00:00Z")));
        Assert.Equal(Ana, ScheduleCalculator.OnCallAt(rota, Utc("2026-01-13T09:00:00Z")));
        Assert.Equal(Cem, ScheduleCalculator.OnCallAt(rota, Utc("2026-01-09T12:00:00Z")));
    }

    [Fact]
    public void AHigherLayerWithBusinessHoursTakesPrecedenceOnlyInsideThem()
    {
        var weekdays = new[] { IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday, IsoDayOfWeek.Friday };
        var rota = new Rota("Europe/Berlin",
        [
            new Layer("around the clock", [Ana], Local("2026-01-05T09:00:00"), ShiftLength.Weekly),
            new Layer("office hours", [Ben], Local("2026-01-05T09:00:00"), ShiftLength.Weekly, [new Restriction(new LocalTime(9, 0), new LocalTime(17, 0), weekdays)]),
        ]);
        Assert.Equal(Ben, ScheduleCalculator.OnCallAt(rota, Utc("2026-11-24T10:00:00Z"))); // Tuesday 11:00 CET
        Assert.Equal(Ana, ScheduleCalculator.OnCallAt(rota, Utc("2026-11-24T17:00:00Z"))); // Tuesday 18:00 CET
        Assert.Equal(Ana, ScheduleCalculator.OnCallAt(rota, Utc("2026-11-28T10:00:00Z"))); // Saturday
        var day = ScheduleCalculator.Final(rota, Utc("2026-11-24T00:00:00Z"), Utc("2026-11-25T00:00:00Z"));
        Assert.Equal([(Ana, "around the clock"), (Ben, "office hours"), (Ana, "around the clock")], day.Select(s => (s.UserId!.Value, s.Source)));
        Assert.Equal(Utc("2026-11-24T08:00:00Z"), day[1].Start);
        Assert.Equal(Utc("2026-11-24T16:00:00Z"), day[1].End);
    }

    [Fact]
    public void ANightRestrictionRunsPastMidnight()
    {
        var rota = new Rota("Etc/UTC", [new Layer("nights", [Cem], Local("2026-01-01T00:00:00"), ShiftLength.Weekly, [new Restriction(new LocalTime(18, 0), new LocalTime(8, 0))])]);
        Assert.Equal(Cem, ScheduleCalculator.OnCallAt(rota, Utc("2026-11-24T23:00:00Z")));
        Assert.Equal(Cem, ScheduleCalculator.OnCallAt(rota, Utc("2026-11-25T07:59:00Z")));
        Assert.Null(ScheduleCalculator.OnCallAt(rota, Utc("2026-11-25T12:00:00Z")));
    }

    [Fact]
    public void CoverageGapsAreFlagged()
    {
        var rota = new Rota("Etc/UTC", [new Layer("days", [Ana], Local("2026-01-01T00:00:00"), ShiftLength.Weekly, [new Restriction(new LocalTime(8, 0), new LocalTime(20, 0))])]);
        var gaps = ScheduleCalculator.Gaps(rota, Utc("2026-11-24T00:00:00Z"), Utc("2026-11-25T00:00:00Z"));
        Assert.Equal([(Utc("2026-11-24T00:00:00Z"), Utc("2026-11-24T08:00:00Z")), (Utc("2026-11-24T20:00:00Z"), Utc("2026-11-25T00:00:00Z"))], gaps.Select(g => (g.Start, g.End)));
        Assert.Empty(ScheduleCalculator.Gaps(Daily("Etc/UTC", "2026-01-01T09:00:00", Ana), Utc("2026-11-24T00:00:00Z"), Utc("2026-11-25T00:00:00Z")));
    }

    [Fact]
    public void AnOverrideCoversPartOfAShiftAndTheRotationResumesAfter()
    {
        var rota = Daily("Etc/UTC", "2026-11-24T09:00:00", Ana, Ben) with
        {
            Overrides = [new ScheduleOverride(Dia, Utc("2026-11-24T12:00:00Z"), Utc("2026-11-24T15:00:00Z"))],
        };
        var final = ScheduleCalculator.Final(rota, Utc("2026-11-24T09:00:00Z"), Utc("2026-11-25T09:00:00Z"));
        Assert.Equal([Ana, Dia, Ana], final.Select(s => s.UserId!.Value));
        Assert.Equal("override", final[1].Source);
        Assert.Equal(Duration.FromHours(3), final[1].Length);
    }

    [Fact]
    public void ALayerWithoutParticipantsCoversNothing()
    {
        var rota = new Rota("Etc/UTC", [new Layer("empty", [], Local("2026-01-01T00:00:00"), ShiftLength.Daily)]);
        var final = ScheduleCalculator.Final(rota, Utc("2026-11-24T00:00:00Z"), Utc("2026-11-25T00:00:00Z"));
        Assert.True(Assert.Single(final).IsGap);
    }

    [Fact]
    public void TheFinalScheduleOfAYearIsQuickAndCoversEveryInstantOnce()
    {
        var rota = Daily("Europe/Berlin", "2026-01-01T09:00:00", Ana, Ben, Cem, Dia);
        var from = Utc("2026-01-01T00:00:00Z");
        var to = Utc("2027-01-01T00:00:00Z");
        var final = ScheduleCalculator.Final(rota, from, to);
        Assert.Equal(from, final[0].Start);
        Assert.Equal(to, final[^1].End);
        for (var i = 1; i < final.Count; i++)
            Assert.Equal(final[i - 1].End, final[i].Start);
        Assert.Equal(366, final.Count);
    }

    [Fact]
    public void ArrivalsAreWhenSomeoneElseComesOnCallNotAnOverrideOfTheSamePerson()
    {
        var rota = new Rota("Europe/Berlin", [new Layer("daily", [Ana, Ben], Local("2026-03-20T09:00:00"), ShiftLength.Daily)],
            [new ScheduleOverride(Ana, Utc("2026-03-28T12:00:00Z"), Utc("2026-03-28T14:00:00Z")), new ScheduleOverride(Cem, Utc("2026-03-29T12:00:00Z"), Utc("2026-03-29T13:00:00Z"))]);

        var arrivals = ScheduleCalculator.Arrivals(rota, Utc("2026-03-28T00:00:00Z"), Utc("2026-03-30T00:00:00Z"), Duration.FromDays(2));

        // Ana from Saturday 09:00 CET (her override inside her own shift is no arrival) to Sunday 09:00 CEST: 23 hours;
        // Ben from Sunday; Cem covers an hour; Ben again after him, until Monday 09:00.
        Assert.Equal(
            [(Ana, Utc("2026-03-28T08:00:00Z"), Utc("2026-03-29T07:00:00Z")), (Ben, Utc("2026-03-29T07:00:00Z"), Utc("2026-03-29T12:00:00Z")),
             (Cem, Utc("2026-03-29T12:00:00Z"), Utc("2026-03-29T13:00:00Z")), (Ben, Utc("2026-03-29T13:00:00Z"), Utc("2026-03-30T07:00:00Z"))],
            arrivals.Select(a => (a.UserId!.Value, a.Start, a.End)));
    }

    [Fact]
    public void WholeShiftsAreNeverCutAtTheWindowsEdgesAndAreTheSameWhereverTheWindowFalls()
    {
        var rota = Daily("Europe/Berlin", "2026-03-20T09:00:00", Ana, Ben);
        // 11:28:46 on the 27th to 10:15 on the 30th: the first shift began at 09:00 that morning, the last ends at 09:00 on the 30th.
        var shifts = ScheduleCalculator.WholeShifts(rota, Utc("2026-03-27T10:28:46Z"), Utc("2026-03-30T08:15:00Z"));
        Assert.Equal(
            [(Utc("2026-03-27T08:00:00Z"), Utc("2026-03-28T08:00:00Z")), (Utc("2026-03-28T08:00:00Z"), Utc("2026-03-29T07:00:00Z")),
             (Utc("2026-03-29T07:00:00Z"), Utc("2026-03-30T07:00:00Z")), (Utc("2026-03-30T07:00:00Z"), Utc("2026-03-31T07:00:00Z"))],
            shifts.Select(s => (s.Start, s.End)));
        Assert.Equal(shifts.Skip(1).Take(2), ScheduleCalculator.WholeShifts(rota, Utc("2026-03-28T15:00:00Z"), Utc("2026-03-29T16:00:00Z")));
        // Final cuts at the window, as it should for "who is on call from now".
        Assert.Equal(Utc("2026-03-27T10:28:46Z"), ScheduleCalculator.Final(rota, Utc("2026-03-27T10:28:46Z"), Utc("2026-03-30T08:15:00Z"))[0].Start);
    }

    [Fact]
    public void WholeShiftsKeepEachTurnOfAPersonAloneOnCallApartAndCutTurnsOnlyWhereAnOverrideOrAHigherLayerBeginsOrEnds()
    {
        var weekdays = new[] { IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday, IsoDayOfWeek.Friday };
        var rota = new Rota("Europe/Berlin",
        [
            new Layer("around the clock", [Ana], Local("2026-01-05T09:00:00"), ShiftLength.Weekly),
            new Layer("office hours", [Ben], Local("2026-01-05T09:00:00"), ShiftLength.Weekly, [new Restriction(new LocalTime(9, 0), new LocalTime(17, 0), weekdays)]),
        ])
        {
            Overrides = [new ScheduleOverride(Cem, Utc("2026-11-28T10:00:00Z"), Utc("2026-12-02T10:00:00Z"))],
        };

        // Saturday 28 November, 12:00Z: Cem's override, whole, though it began before and ends after the window.
        var cem = Assert.Single(ScheduleCalculator.WholeShifts(rota, Utc("2026-11-28T12:00:00Z"), Utc("2026-11-28T13:00:00Z")));
        Assert.Equal((Cem, Utc("2026-11-28T10:00:00Z"), Utc("2026-12-02T10:00:00Z"), "override"), (cem.UserId!.Value, cem.Start, cem.End, cem.Source));

        // Sunday 22 November: Ana's turn on top from Friday's 17:00 (when Ben's office hours ended) to Monday's 09:00 handoff.
        var sunday = ScheduleCalculator.WholeShifts(rota, Utc("2026-11-22T12:00:00Z"), Utc("2026-11-23T12:00:00Z"));
        Assert.Equal([(Ana, Utc("2026-11-20T16:00:00Z"), Utc("2026-11-23T08:00:00Z")), (Ben, Utc("2026-11-23T08:00:00Z"), Utc("2026-11-23T16:00:00Z"))],
            sunday.Select(s => (s.UserId!.Value, s.Start, s.End)));

        // A person alone in a daily rotation: each day's turn is a shift of its own (Final joins them).
        var alone = Daily("Etc/UTC", "2026-01-01T09:00:00", Ana);
        Assert.Equal([(Utc("2026-11-24T09:00:00Z"), Utc("2026-11-25T09:00:00Z")), (Utc("2026-11-25T09:00:00Z"), Utc("2026-11-26T09:00:00Z"))],
            ScheduleCalculator.WholeShifts(alone, Utc("2026-11-24T12:00:00Z"), Utc("2026-11-25T12:00:00Z")).Select(s => (s.Start, s.End)));
        Assert.Single(ScheduleCalculator.Final(alone, Utc("2026-11-24T12:00:00Z"), Utc("2026-11-25T12:00:00Z")));
    }
}
