using NodaTime;
using Steady.Core.Reports;
using static Steady.Core.Tests.Reports.ReportTime;

namespace Steady.Core.Tests.Reports;

public sealed class SpansTests
{
    private static Span S(string from, string to) => new(Utc(from), Utc(to));

    [Fact]
    public void OverlappingAndTouchingSpansMergeIntoOne()
    {
        var union = Spans.Union([S("2026-03-02T10:00:00Z", "2026-03-02T12:00:00Z"), S("2026-03-02T08:00:00Z", "2026-03-02T10:00:00Z"), S("2026-03-02T11:00:00Z", "2026-03-02T13:00:00Z"), S("2026-03-02T15:00:00Z", "2026-03-02T16:00:00Z")]);
        Assert.Equal([S("2026-03-02T08:00:00Z", "2026-03-02T13:00:00Z"), S("2026-03-02T15:00:00Z", "2026-03-02T16:00:00Z")], union);
        Assert.Equal(Duration.FromHours(6), Spans.Total(union));
        Assert.Equal(Duration.FromHours(5), Spans.Longest(union));
    }

    [Fact]
    public void ExceptCutsHolesAndEdgesOut()
    {
        var left = Spans.Except([S("2026-03-02T08:00:00Z", "2026-03-02T18:00:00Z")], [S("2026-03-02T07:00:00Z", "2026-03-02T09:00:00Z"), S("2026-03-02T12:00:00Z", "2026-03-02T13:00:00Z")]);
        Assert.Equal([S("2026-03-02T09:00:00Z", "2026-03-02T12:00:00Z"), S("2026-03-02T13:00:00Z", "2026-03-02T18:00:00Z")], left);
    }

    [Fact]
    public void ClipKeepsOnlyWhatIsInsideTheWindow()
    {
        var clipped = Spans.Clip([S("2026-03-01T00:00:00Z", "2026-03-03T00:00:00Z"), S("2026-03-05T00:00:00Z", "2026-03-06T00:00:00Z")], S("2026-03-02T00:00:00Z", "2026-03-04T00:00:00Z"));
        Assert.Equal([S("2026-03-02T00:00:00Z", "2026-03-03T00:00:00Z")], clipped);
    }
}
