using Microsoft.Extensions.Time.Testing;

namespace Steady.Core.Tests;

public sealed class IdsTests
{
    [Fact]
    public void IdsMadeUnderAStoppedClockStillSortInTheOrderTheyWereMade()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));
        var ids = Enumerable.Range(0, 1000).Select(_ => Ids.New(clock)).ToList();
        Assert.Equal(ids, ids.OrderBy(id => id.ToString(), StringComparer.Ordinal));
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Equal(7, id.Version));
    }

    [Fact]
    public void IdsCarryTheirTime()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var id = Ids.New(clock);
        var millis = Convert.ToInt64(id.ToString("N")[..12], 16);
        Assert.Equal(clock.GetUtcNow().ToUnixTimeMilliseconds(), millis);
    }

    [Fact]
    public void IdsAreRfc9562WithFreshRandomBitsEachTime()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));
        var randomParts = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 5000; i++) // more than one draw from the random pool
        {
            clock.Advance(TimeSpan.FromMilliseconds(1));
            var id = Ids.New(clock);
            Assert.Equal(7, id.Version);
            Assert.InRange(id.Variant, 0x8, 0xB); // 10xx: RFC 9562
            randomParts.Add(id.ToString("N")[13..]);
        }
        Assert.Equal(5000, randomParts.Count);
    }
}
