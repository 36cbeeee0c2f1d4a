using NodaTime;
using Steady.Core.Reports;
using static Steady.Core.Tests.Reports.ReportTime;

namespace Steady.Core.Tests.Reports;

public sealed class ReportPeriodTests
{
    private static readonly Instant Now = Utc("2026-11-24T09:00:00Z");

    [Fact]
    public void DatesAreMidnightsInTheReadersZoneAndToIsNotIncluded()
    {
        var period = ReportPeriod.Parse("2026-11-01", "2026-12-01", Berlin, Now);
        Assert.True(period.Succeeded);
        Assert.Equal(Utc("2026-10-31T23:00:00Z"), period.Value.Start);
        Assert.Equal(Utc("2026-11-30T23:00:00Z"), period.Value.End);
    }

    [Fact]
    public void InstantsKeepTheirOffsetAndTheDefaultIsTheLast28Days()
    {
        Assert.Equal(Utc("2026-11-01T06:00:00Z"), ReportPeriod.Parse("2026-11-01T08:00:00+02:00", null, Berlin, Now).Value.Start);
        var fallback = ReportPeriod.Parse(null, null, Berlin, Now).Value;
        Assert.Equal(new Span(Now - Duration.FromDays(28), Now), fallback);
    }

    [Theory]
    [InlineData("2026-12-01", "2026-11-01", "to", "'to' must be after 'from'.")]
    [InlineData("2025-01-01", "2026-02-06", "to", "A report covers at most 400 days")]
    [InlineData("yesterday", null, "from", "'from' must be a date")]
    [InlineData("1999-12-31", "2000-01-02", "from", "between 2000-01-01")]
    public void BadPeriodsAreRefusedNamingTheField(string from, string? to, string field, string message)
    {
        var period = ReportPeriod.Parse(from, to, Berlin, Now);
        Assert.False(period.Succeeded);
        Assert.Contains(message, Assert.Single(period.Failure!.Errors![field]), StringComparison.Ordinal);
    }
}
