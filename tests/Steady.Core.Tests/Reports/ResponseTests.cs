using NodaTime;
using Steady.Core.Reports;
using static Steady.Core.Tests.Reports.ReportTime;

namespace Steady.Core.Tests.Reports;

public sealed class ResponseTests
{
    private static readonly Guid Team = Guid.Parse("00000000-0000-0000-0000-0000000000f1");

    private static IncidentTimes Incident(string started, int declaredMin, int? ackMin, int? mitigatedAfterDeclaredMin, int? resolvedMin) =>
        new(Guid.NewGuid(), Team, "SEV2", [], Utc(started), Utc(started) + Duration.FromMinutes(declaredMin),
            ackMin is { } a ? Utc(started) + Duration.FromMinutes(a) : null,
            mitigatedAfterDeclaredMin is { } m ? Utc(started) + Duration.FromMinutes(declaredMin + m) : null,
            resolvedMin is { } r ? Utc(started) + Duration.FromMinutes(r) : null);

    [Fact]
    public void IncidentTimesRunFromTheStartExceptMitigationWhichRunsFromTheDeclaration()
    {
        // Acknowledged 4, 10, 16 min after the start: mean 10, p50 10, p90 16. Mitigated 20 and 40 min after being declared
        // (the third not yet): mean 30. Resolved 60 and 120 min after the start: mean 90, p50 60, p90 120.
        var figures = Response.Incidents([
            Incident("2026-03-02T10:00:00Z", 5, 4, 20, 60),
            Incident("2026-03-03T10:00:00Z", 2, 10, 40, 120),
            Incident("2026-03-04T10:00:00Z", 1, 16, null, null),
        ]);
        Assert.Equal(3, figures.Count);
        Assert.Equal(Duration.FromMinutes(10), figures.ToAcknowledge.Mean);
        Assert.Equal(Duration.FromMinutes(16), figures.ToAcknowledge.P90);
        Assert.Equal(2, figures.ToMitigate.Count);
        Assert.Equal(Duration.FromMinutes(30), figures.ToMitigate.Mean);
        Assert.Equal(Duration.FromMinutes(90), figures.ToResolve.Mean);
        Assert.Equal(Duration.FromMinutes(60), figures.ToResolve.P50);
    }

    [Fact]
    public void WeeksStartOnMondayInTheReadersZoneAndCoverThePeriod()
    {
        // Sunday 8 March 23:30 Berlin is still the week of 2 March; Monday 9 March 00:30 Berlin (Sunday 23:30 UTC) the week of 9 March.
        var late = Incident("2026-03-08T22:30:00Z", 0, 5, null, null);
        var early = Incident("2026-03-08T23:30:00Z", 0, 15, null, null);
        var weeks = Response.Weeks([late, early], [], new Span(InBerlin("2026-03-04T00:00"), InBerlin("2026-03-17T00:00")), Berlin);
        Assert.Equal([Date("2026-03-02"), Date("2026-03-09"), Date("2026-03-16")], weeks.Select(w => w.Monday));
        Assert.Equal(Duration.FromMinutes(5), weeks[0].Incidents.ToAcknowledge.Mean);
        Assert.Equal(Duration.FromMinutes(15), weeks[1].Incidents.ToAcknowledge.Mean);
        Assert.Equal(0, weeks[2].Incidents.Count);
    }

    [Fact]
    public void AGroupIsAcknowledgedAtItsFirstAcknowledgement()
    {
        var opened = Utc("2026-03-02T03:00:00Z");
        var figures = Response.Groups([new GroupTimes(Guid.NewGuid(), Team, Guid.NewGuid(), "critical", opened, opened + Duration.FromMinutes(7), opened + Duration.FromMinutes(30))]);
        Assert.Equal(Duration.FromMinutes(7), figures.ToAcknowledge.Mean);
        Assert.Equal(Duration.FromMinutes(30), figures.ToResolve.P90);
    }
}
