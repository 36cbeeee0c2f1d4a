using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Steady.Server.Data;
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

    [Fact]
    public async Task ATableReadInPartsGivesEveryRowOnceEachPartInStorageOrderAndTheFirstPartsRowsFirst()
    {
        await using var host = await SteadyHost.StartAsync();
        const int count = 1001;
        var sqlite = await host.WithDbAsync(async (db, _) =>
        {
            await db.Database.ExecuteSqlRawAsync("CREATE TABLE report_parts_probe (n integer NOT NULL)", Cancel);
            await db.Database.ExecuteSqlRawAsync($"INSERT INTO report_parts_probe (n) SELECT * FROM (WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < {count}) SELECT n FROM s) AS s", Cancel);
            return db.IsSqlite;
        });
        List<long>[] parts = [[], []];
        await host.WithDbAsync(async (db, services) =>
        {
            await ReportRows.ReadInPartsAsync(db, services.GetRequiredService<IServiceScopeFactory>(), "report_parts_probe", "p",
                part => $"SELECT p.n FROM report_parts_probe AS p WHERE p.n >= @p0 AND {part}", [2L],
                [row => parts[0].Add(row.Number(0)), row => parts[1].Add(row.Number(0))], Cancel);
            return 0;
        });

        Assert.Equal(Enumerable.Range(2, count - 1).Select(n => (long)n), parts[0].Concat(parts[1]).Order());
        if (sqlite)
        {
            // Two halves of the rowids, read at once; each in the table's order, the first's before the second's.
            Assert.InRange(parts[0].Count, count / 2 - 2, count / 2 + 2);
            Assert.Equal(parts[0].Order(), parts[0]);
            Assert.Equal(parts[1].Order(), parts[1]);
            Assert.True(parts[0][^1] < parts[1][0]);
        }
        else
        {
            // PostgreSQL reads in its own processes: one part.
            Assert.Empty(parts[1]);
        }
    }
}
