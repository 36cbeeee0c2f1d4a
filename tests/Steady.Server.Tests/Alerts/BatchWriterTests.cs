using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Steady.Core.Alerts;
using Steady.Server.Data;

namespace Steady.Server.Tests.Alerts;

/// <summary>
/// The intake's batch writer binds values to SQLite itself: what it stores must be exactly what EF's
/// SaveChanges stores for the same rows (types included), or queries would stop finding them.
/// </summary>
public sealed class BatchWriterTests
{
    private static readonly Type[] Order = [typeof(AlertGroup), typeof(Alert), typeof(AlertEvent)];

    [Fact]
    public async Task RowsInsertedAndUpdatedByTheBatchWriterAreByteForByteWhatSaveChangesWrites()
    {
        var folder = Directory.CreateTempSubdirectory("steady-batch-writer-").FullName;
        try
        {
            var bySaveChanges = await WriteAsync(Path.Combine(folder, "ef.db"), batchWriter: false);
            var byBatchWriter = await WriteAsync(Path.Combine(folder, "batch.db"), batchWriter: true);
            Assert.NotEmpty(bySaveChanges);
            Assert.Equal(bySaveChanges, byBatchWriter);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task AnUpdateOfARowChangedMeanwhileIsAConcurrencyFailureAndAUniqueViolationKeepsItsSqliteCode()
    {
        var folder = Directory.CreateTempSubdirectory("steady-batch-writer-").FullName;
        try
        {
            await using var db = await OpenAsync(Path.Combine(folder, "steady.db"));
            var (group, alert, _) = Rows(1);
            db.AddRange(group, alert);
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);

            await db.Database.ExecuteSqlRawAsync("UPDATE alerts SET version = version + 1", TestContext.Current.CancellationToken);
            alert.EventCount++;
            alert.Version++;
            await using (await db.Database.BeginTransactionAsync(TestContext.Current.CancellationToken))
            {
                var pending = db.ChangeTracker.Entries().Where(e => e.State != EntityState.Unchanged).ToList();
                await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => SqliteBatchWriter.WriteAsync(db, pending, [], Order, TestContext.Current.CancellationToken));
            }

            db.ChangeTracker.Clear();
            var (_, twin, _) = Rows(1);
            twin.Id = Guid.CreateVersion7();
            twin.GroupId = group.Id; // the same open key of the same service: the "one open occurrence" index refuses it
            await using (await db.Database.BeginTransactionAsync(TestContext.Current.CancellationToken))
            {
                var failure = await Assert.ThrowsAsync<DbUpdateException>(() => SqliteBatchWriter.WriteAsync(db, [], [twin], Order, TestContext.Current.CancellationToken));
                Assert.True(DbErrors.IsUniqueViolation(failure), failure.ToString());
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Writes the same rows (every nullable column set in one, empty in the other), then updates, and reads everything back as SQL literals.</summary>
    private static async Task<List<string>> WriteAsync(string file, bool batchWriter)
    {
        await using var db = await OpenAsync(file);
        var ct = TestContext.Current.CancellationToken;
        var (fullGroup, full, fullEvent) = Rows(1);
        var (emptyGroup, empty, emptyEvent) = Rows(2);
        empty.PreviousId = null;
        empty.Source = null;
        empty.Details = null;
        empty.Links = null;
        emptyEvent.ActorId = null;
        emptyEvent.Note = null;
        emptyGroup.FlappingUntil = null;

        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            if (batchWriter)
            {
                db.AddRange(fullGroup, emptyGroup);
                var pending = db.ChangeTracker.Entries().Where(e => e.State != EntityState.Unchanged).ToList();
                await SqliteBatchWriter.WriteAsync(db, pending, [full, empty, fullEvent, emptyEvent], Order, ct);
                db.AttachRange(full, empty);
            }
            else
            {
                db.AddRange(fullGroup, emptyGroup, full, empty, fullEvent, emptyEvent);
                await db.SaveChangesAsync(ct);
            }
            await transaction.CommitAsync(ct);
        }

        full.Status = AlertStatus.Resolved;
        full.ResolvedAt = new DateTimeOffset(2026, 11, 24, 10, 0, 0, 123, TimeSpan.Zero).AddTicks(4560);
        full.ResolvedBy = "Ana Lima — “resolved”";
        full.ResolvedById = Guid.Parse("01a20cc8-8e80-7ff5-af4e-2b30b17ca71f");
        full.Version++;
        empty.AcknowledgedAt = full.ResolvedAt;
        empty.Flapping = true;
        empty.Version++;
        fullGroup.IsOpen = false;
        fullGroup.OpenCount = 0;
        fullGroup.Severity = Severity.Info;
        fullGroup.Version++;
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            if (batchWriter)
            {
                var pending = db.ChangeTracker.Entries().Where(e => e.State != EntityState.Unchanged).ToList();
                Assert.True(SqliteBatchWriter.CanWrite(pending, Order));
                await SqliteBatchWriter.WriteAsync(db, pending, [], Order, ct);
            }
            else
            {
                await db.SaveChangesAsync(ct);
            }
            await transaction.CommitAsync(ct);
        }

        var rows = new List<string>();
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        foreach (var table in new[] { "alert_groups", "alerts", "alert_events" })
        {
            var entity = db.Model.GetEntityTypes().Single(t => t.GetTableName() == table);
            var columns = string.Join(" || '|' || ", entity.GetProperties().Select(p => $"quote(\"{p.GetColumnName()}\")"));
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {columns} FROM {table} ORDER BY id";
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                rows.Add(table + ": " + reader.GetString(0));
        }
        return rows;
    }

    private static (AlertGroup Group, Alert Alert, AlertEvent Event) Rows(int n)
    {
        var service = Guid.Parse("01a20d17-8bef-7051-945d-38e8a20662c5");
        var at = new DateTimeOffset(2026, 11, 24, 9, 30, 15, 250, TimeSpan.Zero).AddTicks(n * 10);
        var group = new AlertGroup
        {
            Id = Guid.Parse($"01a20d17-0000-7000-8000-00000000000{n}"),
            ServiceId = service,
            GroupKey = "*",
            Labels = "{}",
            Title = "Ünïcode title " + n,
            OpenedAt = at,
            LastAlertAt = at,
            AlertCount = 3,
            OpenCount = 2,
            Severity = Severity.Critical,
            FlappingUntil = at.AddMinutes(15),
            Version = 4,
        };
        var alert = new Alert
        {
            Id = Guid.Parse($"01a20d17-1111-7000-8000-00000000000{n}"),
            ServiceId = service,
            GroupId = group.Id,
            DedupKey = "fp-" + n,
            Occurrence = 2,
            PreviousId = Guid.Parse("01a20d17-2222-7000-8000-000000000009"),
            Status = AlertStatus.Triggered,
            Severity = Severity.Warning,
            Summary = "Disk 91% full on db-1 — “quoted” 'single' ✓",
            Source = "db-1:9100",
            Labels = """{"alertname":"DiskFull","instance":"db-1:9100"}""",
            Details = """{"free":"9%"}""",
            Links = """[{"href":"http://grafana/d/1","text":"dashboard"}]""",
            Format = "alertmanager",
            FirstSeenAt = at,
            LastSeenAt = at.AddSeconds(30),
            EventCount = 7,
        };
        var history = new AlertEvent
        {
            Id = Guid.Parse($"01a20d17-3333-7000-8000-00000000000{n}"),
            AlertId = alert.Id,
            ServiceId = service,
            DedupKey = alert.DedupKey,
            At = at,
            Kind = AlertEventKinds.Triggered,
            ActorId = Guid.Parse("01a20d17-4444-7000-8000-000000000001"),
            ActorName = "Alertmanager",
            Note = "occurrence 2, after 1",
        };
        return (group, alert, history);
    }

    private static async Task<SteadyDb> OpenAsync(string file)
    {
        var services = new ServiceCollection();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Steady:Database:Provider"] = "sqlite",
            ["Steady:Database:ConnectionString"] = $"Data Source={file}",
        }).Build());
        services.AddSteadyDatabase();
        var db = services.BuildServiceProvider().CreateScope().ServiceProvider.GetRequiredService<SteadyDb>();
        await Migrator.MigrateAsync(db, cancellationToken: TestContext.Current.CancellationToken);
        await db.Database.OpenConnectionAsync(TestContext.Current.CancellationToken);
        // Only these tables are written here: their parents (services) are not the point.
        await db.Database.ExecuteSqlRawAsync("PRAGMA foreign_keys = OFF", TestContext.Current.CancellationToken);
        return db;
    }
}
