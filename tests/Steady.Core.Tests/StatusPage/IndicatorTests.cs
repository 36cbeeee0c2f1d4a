using Steady.Core.StatusPage;

namespace Steady.Core.Tests.StatusPage;

public sealed class IndicatorTests
{
    [Theory]
    [InlineData(new[] { ComponentState.Operational }, new string[0], "none", "All Systems Operational")]
    [InlineData(new[] { ComponentState.Operational, ComponentState.DegradedPerformance }, new string[0], "minor", "Partially Degraded Service")]
    [InlineData(new[] { ComponentState.PartialOutage, ComponentState.DegradedPerformance }, new string[0], "major", "Partial System Outage")]
    [InlineData(new[] { ComponentState.MajorOutage, ComponentState.UnderMaintenance }, new string[0], "critical", "Major System Outage")]
    [InlineData(new[] { ComponentState.UnderMaintenance }, new string[0], "maintenance", "Service Under Maintenance")]
    [InlineData(new[] { ComponentState.Operational }, new[] { "minor" }, "minor", "Minor Service Outage")]
    [InlineData(new[] { ComponentState.DegradedPerformance }, new[] { "critical", "none" }, "critical", "Major System Outage")]
    public void ThePagesIndicatorIsTheWorseOfItsComponentsAndItsOpenIncidents(ComponentState[] states, string[] impacts, string indicator, string description) =>
        Assert.Equal(new PageIndicator(indicator, description), PageIndicator.Of(states, impacts));
}
