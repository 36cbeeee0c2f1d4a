using Steady.Server.Features.Reports;

namespace Steady.Server.Tests.Reports;

/// <summary>The reports' row-by-row reads hand back a text of few values (an alert's name) as one pooled instance, cut to length.</summary>
public sealed class ReportRowsTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PooledTextIsOneInstancePerValueCutToItsLengthWhateverItsCharacters()
    {
        await using var host = await SteadyHost.StartAsync();
        var longName = "Disk " + new string('x', 200);
        const string accented = "Température élevée ✓ 😀";
        var sql = $"""
            SELECT 'DiskFull' AS name UNION ALL SELECT 'DiskFull' UNION ALL SELECT '{accented}' UNION ALL SELECT '{accented}'
            UNION ALL SELECT '{longName}' UNION ALL SELECT '{longName}' UNION ALL SELECT ''
            """;
        var pool = new TextPool();
        var read = new List<string>();
        await host.WithDbAsync(async (db, _) =>
        {
            await ReportRows.ReadAsync(db, sql, [], row => read.Add(row.Text(0, pool, 120)), Cancel);
            return read.Count;
        });

        Assert.Equal(["DiskFull", "DiskFull", accented, accented, longName[..120], longName[..120], ""], read);
        Assert.Same(read[0], read[1]);
        Assert.Same(read[2], read[3]);
        Assert.Same(read[4], read[5]);
        Assert.Equal(4, pool.Count);
    }
}
