using System.Reflection;
using Steady.Core.Alerts;
using Steady.Core.Audit;
using Steady.Core.Incidents;
using Steady.Core.StatusPage;

namespace Steady.Core.Tests;

public sealed class WireNamesTests
{
    [Fact]
    public void EnumsGoByTheNamesTheApiShows()
    {
        Assert.Equal("acknowledged", WireNames.Of(AlertStatus.Acknowledged));
        Assert.Equal("communications-lead", WireNames.Of(IncidentRole.CommunicationsLead));
        Assert.Equal("partial_outage", WireNames.Of(ComponentState.PartialOutage));
        Assert.Equal("mitigating", WireNames.Of(IncidentStatus.Mitigating));
        Assert.Equal("internal", WireNames.Of(UpdateVisibility.Internal));
    }

    /// <summary>The audit log writes every enum of an audited record by its wire name: none may be a number, and no two values of one enum may share one.</summary>
    [Fact]
    public void EveryEnumOfAnAuditedRecordHasADistinctWordForEachValue()
    {
        var enums = typeof(IAudited).Assembly.GetTypes()
            .Where(t => typeof(IAudited).IsAssignableFrom(t) && t.IsClass)
            .SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            .Select(p => Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType)
            .Where(t => t.IsEnum)
            .Distinct()
            .ToList();
        Assert.NotEmpty(enums);
        foreach (var type in enums)
        {
            var names = Enum.GetValues(type).Cast<Enum>().Select(WireNames.Of).ToList();
            Assert.All(names, name => Assert.False(string.IsNullOrEmpty(name) || char.IsDigit(name[0]), $"{type.Name} has a value without a word: '{name}'"));
            Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
        }
    }
}
