using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Steady.Core.Alerts;
using Steady.Server.Features.Backups;

namespace Steady.Server.Tests.Operations;

/// <summary>
/// Scheduled backups (issue 20): the server backs up every Steady:Backup:Schedule on the injected clock, keeps the newest
/// Steady:Backup:Keep of its own files, shows the last good one on /metrics and to admins in the console, raises an alert
/// of its own when the last good backup is two intervals old, and on several nodes one node takes each backup.
/// </summary>
public sealed class ScheduledBackupTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EachIntervalOneBackupIsWrittenAndOnlyTheNewestKeepOfSteadysOwnFilesStay()
    {
        await using var host = await SteadyHost.StartAsync(b =>
        {
            b.UseSetting("Steady:Backup:Schedule", "1h");
            b.UseSetting("Steady:Backup:Keep", "2");
        });
        var folder = Path.Combine(host.Database.Folder, "backups");
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "notes.txt"), "the operator's", Cancel);
        await File.WriteAllTextAsync(Path.Combine(folder, "steady-before-upgrade.db"), "the operator's copy", Cancel);
        var start = host.Clock.GetUtcNow();
        await EventuallyAsync(host, s => s is not null, "the backup state row");

        host.Clock.Advance(TimeSpan.FromMinutes(59));
        await Task.Delay(300, Cancel); // give the worker its chance to (wrongly) back up early
        Assert.Null((await StateAsync(host))!.LastSuccessAt);

        var written = new List<string>();
        for (var i = 1; i <= 4; i++)
        {
            var state = await AdvanceUntilAsync([host], i == 1 ? TimeSpan.FromMinutes(1) : TimeSpan.FromHours(1),
                async () => await StateAsync(host) is { LeaseOwner: null } s && s.LastSuccessAt >= start.AddHours(i) ? s : null, $"backup {i}");
            Assert.InRange(state.LastSuccessAt!.Value, start.AddHours(i), start.AddHours(i).AddMinutes(5));
            written.Add(state.LastFile!);
            Assert.Equal(state.LastSuccessAt + TimeSpan.FromHours(1), state.NextDueAt);
            Assert.Equal(new FileInfo(Path.Combine(folder, state.LastFile!)).Length, state.LastBytes);
        }
        Assert.Equal(4, written.Distinct().Count());
        // The worker prunes its folder just after it lets the backup's claim go, which the loop above waits for: wait for
        // the prune too, then the folder holds exactly the operator's files and the newest two.
        var files = (await EventuallyFilesAsync([host], [folder], f => f.Count <= 4, "the folder pruned"))
            .Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(new[] { "notes.txt", "steady-before-upgrade.db", written[2], written[3] }.Order(StringComparer.Ordinal), files);

        var metrics = await host.Anonymous().GetStringAsync("/metrics", Cancel);
        Assert.True(Gauge(metrics, "steady_backup_last_success_timestamp_seconds") >= start.AddHours(4).ToUnixTimeSeconds(), metrics);
        Assert.True(Gauge(metrics, "steady_backup_last_size_bytes") > 0);
        Assert.Contains("steady_backup_failures_total", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WhenTheLastGoodBackupIsTwoIntervalsOldSteadyRaisesItsOwnAlertAndTheNextGoodBackupResolvesIt()
    {
        var blocked = "";
        await using var host = await SteadyHost.StartAsync(b =>
        {
            // The backup folder cannot be made: its parent is a file (as a mount gone read-only or a wrong path would be).
            blocked = Path.Combine(Path.GetTempPath(), "steady-blocked-" + Guid.NewGuid().ToString("N"));
            File.WriteAllText(blocked, "in the way");
            b.UseSetting("Steady:Backup:Directory", Path.Combine(blocked, "backups"));
            b.UseSetting("Steady:Backup:Schedule", "1h");
            b.UseSetting("Steady:Backup:AlertService", "Steady itself");
        });
        try
        {
            var admin = host.Admin();
            var team = (await (await admin.PostAsJsonAsync("/api/v1/teams", new { name = "Operations" }, Cancel)).Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("id").GetGuid();
            var service = (await (await admin.PostAsJsonAsync("/api/v1/services", new { name = "Steady itself", teamId = team }, Cancel)).Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("id").GetGuid();
            var start = host.Clock.GetUtcNow();
            await EventuallyAsync(host, s => s is not null, "the backup state row");

            var failed = await AdvanceUntilAsync([host], TimeSpan.FromHours(1), async () => await StateAsync(host) is { Failures: 1, LeaseOwner: null } s ? s : null, "the first failure");
            Assert.Equal(failed.LastFailureAt + TimeSpan.FromMinutes(15), failed.NextDueAt); // tried again after a quarter of the interval
            Assert.Contains("backups", failed.LastError);
            Assert.Null(await OverdueAlertAsync(host));

            var alert = await AdvanceUntilAsync([host], start.AddHours(2) - host.Clock.GetUtcNow(), async () => await OverdueAlertAsync(host) is { Status: AlertStatus.Triggered } a ? a : null, "the overdue alert");
            Assert.Equal(service, alert.ServiceId);
            Assert.Equal(Severity.Critical, alert.Severity);
            Assert.StartsWith("Steady has no good backup (expected every 1 h); the last attempt failed:", alert.Summary);
            var metrics = await host.Anonymous().GetStringAsync("/metrics", Cancel);
            Assert.True(Gauge(metrics, "steady_backup_failures_total") >= 2, metrics);

            // Admins see it in the console: a warning on every page, and the home page's card.
            var browser = new ConsoleClient(host);
            await browser.SignInAsync("admin@steady.local", await Paging.EscalationTests.SetAdminPasswordAsync(host));
            var home = await browser.GetPageAsync("/");
            Assert.Contains("There is no good backup yet, though Steady:Backup:Schedule asks for one every 1 h", home, StringComparison.Ordinal);
            Assert.Contains("id=\"last-backup\"", home, StringComparison.Ordinal);
            Assert.Contains("failed", home[home.IndexOf("id=\"last-backup\"", StringComparison.Ordinal)..], StringComparison.Ordinal);

            File.Delete(blocked); // the operator fixes it
            var resolved = await AdvanceUntilAsync([host], TimeSpan.FromMinutes(15), async () => await OverdueAlertAsync(host) is { Status: AlertStatus.Resolved } a ? a : null, "the alert resolved");
            Assert.Equal(service, resolved.ServiceId);
            // The worker marks the alert resolved on its row just after intake stored the resolve: wait for that too.
            var state = await AdvanceUntilAsync([host], TimeSpan.Zero, async () => await StateAsync(host) is { OverdueAlerted: false } s ? s : null, "the state to say the alert is resolved");
            Assert.Equal(0, state.Failures);
            Assert.False(state.OverdueAlerted);
            Assert.DoesNotContain("Steady:Backup:Schedule asks for one", await browser.GetPageAsync("/"), StringComparison.Ordinal);
        }
        finally
        {
            if (File.Exists(blocked))
                File.Delete(blocked);
            else if (Directory.Exists(blocked))
                Directory.Delete(blocked, recursive: true);
        }
    }

    [Fact]
    public async Task OnSeveralNodesOneNodeTakesEachScheduledBackup()
    {
        Assert.SkipUnless(TestDatabase.UsePostgres, "Several nodes share one PostgreSQL database; SQLite serves one process.");
        await using var database = await TestDatabase.CreateAsync();
        var nodes = new List<SteadyHost>();
        try
        {
            for (var n = 0; n < 3; n++)
            {
                var folder = Path.Combine(database.Folder, $"node-{n}");
                nodes.Add(await SteadyHost.StartAsync(b =>
                {
                    b.UseSetting("Steady:Backup:Schedule", "1h");
                    b.UseSetting("Steady:Backup:Directory", folder);
                }, database));
            }
            await EventuallyAsync(nodes[0], s => s is not null, "the backup state row");
            var start = nodes[0].Clock.GetUtcNow();
            for (var i = 1; i <= 3; i++)
            {
                // Every node's clock reaches the due time; each node's worker tries to take the backup.
                await AdvanceUntilAsync(nodes, TimeSpan.FromHours(1), async () => await StateAsync(nodes[0]) is { LeaseOwner: null } s && s.LastSuccessAt >= start.AddHours(i) ? s : null, $"backup {i}");
                await Task.Delay(300, Cancel); // give the other nodes their chance to (wrongly) take it too
                var files = Enumerable.Range(0, 3).Select(n => Path.Combine(database.Folder, $"node-{n}"))
                    .Where(Directory.Exists).SelectMany(Directory.EnumerateFiles).Where(f => !f.EndsWith(".partial", StringComparison.Ordinal)).ToList();
                Assert.Equal(i, files.Count);
            }
        }
        finally
        {
            foreach (var node in nodes)
                await node.DisposeAsyncKeepingDatabase();
        }
    }

    [Fact]
    public async Task OnSeveralNodesEachNodePrunesItsOwnFolderWhicheverNodeWroteTheLastBackup()
    {
        Assert.SkipUnless(TestDatabase.UsePostgres, "Several nodes share one PostgreSQL database; SQLite serves one process.");
        await using var database = await TestDatabase.CreateAsync();
        var nodes = new List<SteadyHost>();
        var folders = Enumerable.Range(0, 2).Select(n => Path.Combine(database.Folder, $"node-{n}")).ToList();
        try
        {
            foreach (var folder in folders)
            {
                nodes.Add(await SteadyHost.StartAsync(b =>
                {
                    b.UseSetting("Steady:Backup:Schedule", "1h");
                    b.UseSetting("Steady:Backup:Keep", "2");
                    b.UseSetting("Steady:Backup:MaxAge", "3h");
                    b.UseSetting("Steady:Backup:Directory", folder);
                }, database));
            }
            await EventuallyAsync(nodes[0], s => s is not null, "the backup state row");
            var start = nodes[0].Clock.GetUtcNow();
            // Backups each node wrote long ago (before a restart, say), named as Steady names them, and an operator's file.
            var stale = new List<string>();
            foreach (var folder in folders)
            {
                Directory.CreateDirectory(folder);
                for (var h = 10; h >= 8; h--)
                {
                    var name = $"steady-{start.AddHours(-h).UtcDateTime.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture)}.dump";
                    await File.WriteAllTextAsync(Path.Combine(folder, name), "an old backup", Cancel);
                    stale.Add(Path.Combine(folder, name));
                }
                await File.WriteAllTextAsync(Path.Combine(folder, "steady-before-upgrade.dump"), "the operator's", Cancel);
            }

            var first = await AdvanceUntilAsync(nodes, TimeSpan.FromHours(1), async () => await StateAsync(nodes[0]) is { LeaseOwner: null } s && s.LastSuccessAt >= start.AddHours(1) ? s : null, "backup 1");
            // Both folders are pruned, the one that did not write included: every stale file is past MaxAge, and the
            // installation's newest backup is the one just written.
            var left = await EventuallyFilesAsync(nodes, folders, files => !files.Any(stale.Contains), "both folders pruned");
            Assert.Equal(folders.Select(f => Path.Combine(f, "steady-before-upgrade.dump")).Append(left.Single(f => f.EndsWith(first.LastFile!, StringComparison.Ordinal))).Order(StringComparer.Ordinal),
                left.Order(StringComparer.Ordinal));

            // Five more hours: whichever node writes each, no folder keeps more than Keep of Steady's files or one past MaxAge.
            for (var i = 2; i <= 6; i++)
                await AdvanceUntilAsync(nodes, TimeSpan.FromHours(1), async () => await StateAsync(nodes[0]) is { LeaseOwner: null } s && s.LastSuccessAt >= start.AddHours(i) ? s : null, $"backup {i}");
            var now = nodes[0].Clock.GetUtcNow();
            static IEnumerable<string> Steadys(List<string> files) => files.Where(f => !f.EndsWith("before-upgrade.dump", StringComparison.Ordinal));
            var backups = Steadys(await EventuallyFilesAsync(nodes, folders, files => Steadys(files).All(f => StampOf(f) >= now.AddHours(-3)), "old backups pruned everywhere")).ToList();
            Assert.Equal(2, (await EventuallyFilesAsync(nodes, folders, _ => true, "the files")).Count(f => f.EndsWith("before-upgrade.dump", StringComparison.Ordinal)));
            foreach (var folder in folders)
                Assert.InRange(backups.Count(f => f.StartsWith(folder + "/steady-2", StringComparison.Ordinal)), 0, 2);
            Assert.Contains(backups, f => StampOf(f) >= start.AddHours(6));
        }
        finally
        {
            foreach (var node in nodes)
                await node.DisposeAsyncKeepingDatabase();
        }
    }

    private static DateTimeOffset StampOf(string path) =>
        DateTimeOffset.ParseExact(Path.GetFileName(path)["steady-".Length..("steady-".Length + 19)], "yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    /// <summary>Waits (bounded, nudging the clocks by a sweep each second) until the files in <paramref name="folders"/> are as <paramref name="done"/> wants.</summary>
    private static async Task<List<string>> EventuallyFilesAsync(IReadOnlyList<SteadyHost> hosts, IReadOnlyList<string> folders, Func<List<string>, bool> done, string what) =>
        await AdvanceUntilAsync(hosts, TimeSpan.FromSeconds(1), () =>
        {
            var files = folders.Where(Directory.Exists).SelectMany(Directory.EnumerateFiles).Where(f => !f.EndsWith(".partial", StringComparison.Ordinal)).ToList();
            return Task.FromResult(done(files) ? files : null);
        }, what);

    private static async Task<BackupState?> StateAsync(SteadyHost host) =>
        await host.WithDbAsync((db, _) => db.Set<BackupState>().AsNoTracking().FirstOrDefaultAsync(b => b.Id == BackupState.TheRow, Cancel));

    private static async Task<Alert?> OverdueAlertAsync(SteadyHost host) =>
        await host.WithDbAsync((db, _) => db.Alerts.AsNoTracking().FirstOrDefaultAsync(a => a.DedupKey == BackupWorker.OverdueKey, Cancel));

    private static async Task<BackupState?> EventuallyAsync(SteadyHost host, Func<BackupState?, bool> done, string what) =>
        await AdvanceUntilAsync([host], TimeSpan.Zero, async () => await StateAsync(host) is var s && done(s) ? new Box(s) : null, what) is { } box ? box.State : null;

    private sealed record Box(BackupState? State);

    /// <summary>
    /// Moves every node's clock by <paramref name="by"/>, then waits (in real time, bounded) for the backup worker to act. A
    /// worker may still be finishing its pass when the clock moves and then sleeps a whole sweep (15 s) from the new time:
    /// while nothing happens the clocks move on by a sweep every second, so a due backup is taken at most a few sweeps late.
    /// </summary>
    private static async Task<T> AdvanceUntilAsync<T>(IReadOnlyList<SteadyHost> hosts, TimeSpan by, Func<Task<T?>> probe, string what) where T : class
    {
        foreach (var host in hosts)
            await host.AdvanceAsync(by);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        var nudge = DateTime.UtcNow.AddSeconds(1);
        while (true)
        {
            if (await probe() is { } found)
                return found;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"The backup worker did not get to {what} within 30 s.");
            if (by > TimeSpan.Zero && DateTime.UtcNow > nudge)
            {
                foreach (var host in hosts)
                    await host.AdvanceAsync(TimeSpan.FromSeconds(15));
                nudge = DateTime.UtcNow.AddSeconds(1);
            }
            await Task.Delay(50, Cancel);
        }
    }

    private static double Gauge(string metrics, string name)
    {
        var line = metrics.Split('\n').Single(l => l.StartsWith(name + " ", StringComparison.Ordinal));
        return double.Parse(line[(name.Length + 1)..], CultureInfo.InvariantCulture);
    }
}
