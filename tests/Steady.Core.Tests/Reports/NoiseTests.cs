using NodaTime;
using Steady.Core.Reports;
using static Steady.Core.Tests.Reports.ReportTime;

namespace Steady.Core.Tests.Reports;

public sealed class NoiseTests
{
    private static readonly Guid Web = Guid.Parse("00000000-0000-0000-0000-0000000000e1");
    private static readonly Instant T0 = Utc("2026-03-02T10:00:00Z");

    private static NoiseAlert Alert(string name, Guid group, int minute, int? resolvedAfterSeconds, bool bySource, int? ackAfterSeconds = null, bool byPerson = false) => new(
        Web, name, group, T0 + Duration.FromMinutes(minute),
        resolvedAfterSeconds is { } r ? T0 + Duration.FromMinutes(minute) + Duration.FromSeconds(r) : null, bySource,
        ackAfterSeconds is { } a ? T0 + Duration.FromMinutes(minute) + Duration.FromSeconds(a) : null, byPerson);

    [Fact]
    public void TransientNeverAcknowledgedAndMedianOpenAreCountedPerSource()
    {
        // DiskFull: 4 alerts in 4 groups, each group paged 10 times; three resolved by the source in 120, 180 and 300 s (transient),
        // one resolved by a person after 600 s having been acknowledged. Open: 120, 180, 300, 600 → median (2nd) 180 s.
        var groups = Enumerable.Range(0, 4).Select(_ => Guid.NewGuid()).ToList();
        var alerts = new List<NoiseAlert>
        {
            Alert("DiskFull", groups[0], 0, 120, bySource: true),
            Alert("DiskFull", groups[1], 10, 180, bySource: true),
            Alert("DiskFull", groups[2], 20, 300, bySource: true),
            Alert("DiskFull", groups[3], 30, 600, bySource: false, ackAfterSeconds: 60, byPerson: true),
            // A slow one: resolved by the source after 301 s is not transient; still open counts until asOf.
            Alert("Slow", Guid.NewGuid(), 0, 301, bySource: true),
            Alert("Slow", Guid.NewGuid(), 0, null, bySource: false),
        };
        var pages = groups.ToDictionary(g => g, _ => 10);
        var sources = Noise.Sources(alerts, pages, new Dictionary<(Guid, string), int> { [(Web, "Slow")] = 2 }, T0 + Duration.FromHours(1));
        var disk = sources[0];
        Assert.Equal("DiskFull", disk.Name);
        Assert.Equal(4, disk.Alerts);
        Assert.Equal(4, disk.Groups);
        Assert.Equal(40, disk.Pages);
        Assert.Equal(0.75, disk.TransientShare);
        Assert.Equal(0.75, disk.NeverAcknowledgedShare);
        Assert.Equal(0.25, disk.AcknowledgedByPersonShare);
        Assert.Equal(Duration.FromSeconds(180), disk.MedianOpen);
        Assert.Equal("DiskFull on web-1 paged 40 times; 3 of 4 resolved by themselves within 5 min: add a `for:` duration or lower its urgency.", Noise.Suggest(disk, "web-1"));

        var slow = sources[1];
        Assert.Equal(0, slow.TransientShare);
        Assert.Equal(Duration.FromSeconds(301), slow.MedianOpen);
        Assert.Equal(2, slow.FlappingEpisodes);
        Assert.Equal("Slow on web-1 flapped 2 times: add hysteresis (a `for:` duration, or a recovery threshold apart from the firing one) so it settles.", Noise.Suggest(slow, "web-1"));
    }

    [Fact]
    public void AGroupsPagesCountForTheSourceOfItsFirstAlert()
    {
        var group = Guid.NewGuid();
        var sources = Noise.Sources([Alert("Second", group, 5, 60, true), Alert("First", group, 0, 60, true)], new Dictionary<Guid, int> { [group] = 3 }, new Dictionary<(Guid, string), int>(), T0 + Duration.FromHours(1));
        Assert.Equal(3, sources.Single(s => s.Name == "First").Pages);
        Assert.Equal(0, sources.Single(s => s.Name == "Second").Pages);
    }

    [Fact]
    public void ATallyResetCountsTheNextAlertsAsAFreshTallyWould()
    {
        var asOf = T0 + Duration.FromHours(1);
        var (a, b) = (Guid.NewGuid(), Guid.NewGuid());
        NoiseAlert[] first = [Alert("DiskFull", a, 0, 120, true), Alert("Gone", b, 1, null, false)];
        NoiseAlert[] second = [Alert("DiskFull", a, 5, 600, false, ackAfterSeconds: 30, byPerson: true), Alert("DiskFull", Guid.NewGuid(), 6, 60, true)];
        var flapping = new Dictionary<(Guid, string), int> { [(Web, "Gone")] = 1 };
        var tally = new NoiseTally(T0);
        foreach (var alert in first)
            tally.Add(alert);
        tally.Sources(new Dictionary<Guid, int>(), flapping);

        tally.Reset(asOf);
        foreach (var alert in second)
            tally.Add(alert);
        var reused = tally.Sources(new Dictionary<Guid, int> { [a] = 2 }, flapping);

        var fresh = Noise.Sources(second, new Dictionary<Guid, int> { [a] = 2 }, flapping, asOf);
        Assert.Equal(fresh, reused);
        // "Gone" had alerts only before the reset: it is back as a source with flapping marks only.
        var gone = Assert.Single(reused, s => s.Name == "Gone");
        Assert.Equal((0, 0, 1), (gone.Alerts, gone.Groups, gone.FlappingEpisodes));
        var disk = Assert.Single(reused, s => s.Name == "DiskFull");
        Assert.Equal((2, 2, 2, 1), (disk.Alerts, disk.Groups, disk.Pages, disk.Transient));
    }

    [Fact]
    public void TwoTalliesMergedCountAsOneTallyOfTheSameAlertsInOrder()
    {
        // Groups that span the cut, with sources in either half or both, a group opened earlier in the later half, a tie on the
        // first seen (the earlier half's alert opens it), sources met only in the later half.
        var asOf = T0 + Duration.FromHours(2);
        var (spans, tie, late, single) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var other = Guid.Parse("00000000-0000-0000-0000-0000000000e2");
        NoiseAlert[] alerts =
        [
            Alert("DiskFull", spans, 10, 120, true),
            Alert("Cpu", tie, 3, null, false),
            Alert("DiskFull", late, 30, 60, true, ackAfterSeconds: 20, byPerson: true),
            Alert("DiskFull", single, 1, 400, true),
            Alert("Cpu", spans, 12, 30, true),
            Alert("DiskFull", spans, 11, 200, true),
            Alert("Memory", tie, 3, 100, true),
            Alert("DiskFull", late, 2, 250, true),
            Alert("Memory", spans, 5, null, false, ackAfterSeconds: 60),
            Alert("DiskFull", late, 40, 60, true) with { ServiceId = other },
        ];
        var pages = new Dictionary<Guid, int> { [spans] = 3, [tie] = 2, [late] = 5, [single] = 1 };
        var flapping = new Dictionary<(Guid, string), int> { [(Web, "Cpu")] = 1, [(Web, "Gone")] = 2 };
        var whole = Noise.Sources(alerts, pages, flapping, asOf);

        for (var cut = 0; cut <= alerts.Length; cut++)
        {
            var (first, second) = (new NoiseTally(asOf), new NoiseTally(asOf));
            foreach (var alert in alerts[..cut])
                first.Add(alert);
            foreach (var alert in alerts[cut..])
                second.Add(alert);
            first.Merge(second);
            Assert.Equal(whole, first.Sources(pages, flapping));
        }
        var disk = Assert.Single(whole, s => s.Name == "DiskFull" && s.ServiceId == Web);
        Assert.Equal((5, 3, 5 + 1, 4), (disk.Alerts, disk.Groups, disk.Pages, disk.Transient));
        Assert.Equal(3, Assert.Single(whole, s => s.Name == "Memory").Pages); // it opened "spans" (minute 5)
        Assert.Equal(2, Assert.Single(whole, s => s.Name == "Cpu").Pages); // "tie": first seen at the same minute as Memory's, added first
    }
}
