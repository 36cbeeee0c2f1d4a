using System.Globalization;
using MailKit.Net.Smtp;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Steady.Core.Accounts;
using Steady.Core.Paging;
using Steady.Server.Data;
using Steady.Server.Features.Backups;
using Steady.Server.Infrastructure;
using Steady.Server.Notify;

namespace Steady.Server.Features.Health;

/// <summary>One finding of <c>steady doctor</c>: ok, warn or fail, and what was found in a few words.</summary>
public sealed record DoctorCheck(string Name, string Status, string Detail);

public sealed record DoctorDto(string Node, DateTimeOffset At, IReadOnlyList<DoctorCheck> Checks);

/// <summary>
/// The facts of a running installation only the server can gather, for <c>steady doctor</c> (organization admins):
/// its database (reachable, migrated), this node's clock against the database's, its workers, the SMTP server
/// (connect and EHLO), the public URL, the disk under a SQLite database, the newest backup, and the channels'
/// failures over the last day. Each check says ok, warn or fail; nothing is written.
/// </summary>
public static class DoctorApi
{
    public const string Ok = "ok";
    public const string Warn = "warn";
    public const string Fail = "fail";

    /// <summary>A clock this far from the database's is a warning; twice this, a failure (due times and leases are compared across nodes).</summary>
    public static readonly TimeSpan SkewWarning = TimeSpan.FromSeconds(2);

    /// <summary>Free space under a SQLite database below which doctor warns (below <see cref="StorageHealth.MinimumFreeBytes"/> it fails).</summary>
    public const long LowDiskBytes = 512L * 1024 * 1024;

    /// <summary>The newest backup older than this is a warning (daily backups, and some slack).</summary>
    public static readonly TimeSpan BackupAge = TimeSpan.FromHours(26);

    public static readonly TimeSpan ChannelWindow = TimeSpan.FromHours(24);

    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);

    public static RouteGroupBuilder MapDoctorApi(this RouteGroupBuilder api)
    {
        api.MapGet("/doctor", Examine).WithTags("Health")
            .WithSummary("Check this installation: database, schema, clocks, workers, SMTP, public URL, disk, backups, channels (organization admins)");
        return api;
    }

    private static async Task<Results<Ok<DoctorDto>, ProblemHttpResult>> Examine(
        SteadyDb db, ActorAccessor actors, DatabaseInfo database, StorageHealth storage, WorkerStates workers, BackupFiles backups,
        IOptions<Backups.BackupOptions> backupOptions, IOptionsMonitor<SmtpOptions> smtp, PublicUrls urls, IHttpClientFactory clients, Paging.EngineNode node, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!Permissions.CanAdministerOrganization(await actors.RequireAsync(cancellationToken)))
            return Problems.Forbidden("Only organization administrators can examine the installation.");
        var checks = new List<DoctorCheck>();
        var (version, problem) = await DatabaseReadiness.CheckAsync(db, database, storage, cancellationToken);
        var provider = database.Provider.ToString().ToLowerInvariant();
        checks.Add(version == 0 && problem is not null
            ? new("database", Fail, problem)
            : new("database", Ok, $"{provider} reachable"));
        var expected = Migrator.LatestVersion(database.Provider);
        if (version != 0)
            checks.Add(version == expected ? new("schema", Ok, $"version {version}, as this server expects") : new("schema", Fail, problem ?? $"version {version}, this server needs {expected}"));
        if (version != 0)
        {
            checks.Add(await ClockAsync(db, time, cancellationToken));
            checks.Add(await ChannelsAsync(db, time.GetUtcNow(), cancellationToken));
        }
        var stuck = workers.Read().Where(w => w.Problem is not null).Select(w => w.Problem!).ToList();
        checks.Add(stuck.Count == 0 ? new("workers", Ok, $"{workers.Read().Count} running") : new("workers", Fail, string.Join("; ", stuck)));
        checks.Add(await SmtpAsync(smtp.CurrentValue, cancellationToken));
        checks.Add(await PublicUrlAsync(urls, clients, cancellationToken));
        checks.Add(Disk(database));
        checks.Add(version != 0 && backupOptions.Value.Interval is not null
            ? await ScheduledBackupAsync(db, backupOptions.Value, time.GetUtcNow(), cancellationToken)
            : Backup(backups, time.GetUtcNow()));
        return TypedResults.Ok(new DoctorDto(node.Id, time.GetUtcNow(), checks));
    }

    /// <summary>This node's clock against the database's (PostgreSQL; SQLite shares this host's clock).</summary>
    private static async Task<DoctorCheck> ClockAsync(SteadyDb db, TimeProvider time, CancellationToken cancellationToken)
    {
        if (db.IsSqlite)
            return new("clock", Ok, "SQLite: the database reads this host's clock");
        var before = time.GetUtcNow();
        var theirs = await db.Database.SqlQueryRaw<DateTimeOffset>("SELECT now() AS \"Value\"").SingleAsync(cancellationToken);
        var after = time.GetUtcNow();
        var skew = theirs - (before + (after - before) / 2);
        var text = $"this node is {Math.Abs(skew.TotalSeconds).ToString("0.###", CultureInfo.InvariantCulture)} s {(skew > TimeSpan.Zero ? "behind" : "ahead of")} the database";
        var size = skew.Duration();
        return size > SkewWarning * 2 ? new("clock", Fail, text + ": run NTP (chrony, systemd-timesyncd)")
            : size > SkewWarning ? new("clock", Warn, text) : new("clock", Ok, text);
    }

    /// <summary>Failed attempts per channel over the last day: a channel that failed and sent nothing fails; one that also sent, warns.</summary>
    private static async Task<DoctorCheck> ChannelsAsync(SteadyDb db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var since = now - ChannelWindow;
        var rows = await db.Deliveries.AsNoTracking().Where(d => d.Channel != null && d.LastAttemptAt != null && d.LastAttemptAt >= since)
            .GroupBy(d => new { d.Channel, d.State }).Select(g => new { g.Key.Channel, g.Key.State, Count = g.Count() }).ToListAsync(cancellationToken);
        var failing = rows.Where(r => r.State is DeliveryState.FailedPermanent or DeliveryState.FailedTemporary).GroupBy(r => r.Channel!)
            .Select(g => (Channel: g.Key, Failed: g.Sum(r => r.Count), Sent: rows.Where(r => r.Channel == g.Key && r.State == DeliveryState.Sent).Sum(r => r.Count)))
            .OrderBy(c => c.Channel, StringComparer.Ordinal).ToList();
        if (failing.Count == 0)
            return new("channels", Ok, $"no failed pages in {ChannelWindow.TotalHours:0} h");
        var text = string.Join(", ", failing.Select(c => $"{c.Channel} {c.Failed} failed/{c.Sent} sent"));
        return new("channels", failing.Any(c => c.Sent == 0) ? Fail : Warn, $"{text} in {ChannelWindow.TotalHours:0} h (console: Failures)");
    }

    /// <summary>Connects to Steady:Smtp and says EHLO (and STARTTLS or TLS, as configured); sends nothing.</summary>
    private static async Task<DoctorCheck> SmtpAsync(SmtpOptions smtp, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(smtp.Host))
            return new("smtp", Warn, "Steady:Smtp:Host is not set: email is not sent");
        var where = $"{smtp.Host}:{smtp.EffectivePort}";
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(ProbeTimeout);
        using var client = new SmtpClient { Timeout = (int)ProbeTimeout.TotalMilliseconds };
        try
        {
            await client.ConnectAsync(smtp.Host, smtp.EffectivePort, EmailChannel.Socket(smtp.Security), limit.Token);
            await client.DisconnectAsync(quit: true, limit.Token);
            return new("smtp", Ok, $"{where} answered EHLO");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new("smtp", Fail, $"{where} did not answer within {ProbeTimeout.TotalSeconds:0} s");
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or MailKit.ProtocolException or MailKit.Net.Smtp.SmtpCommandException or NotSupportedException or System.Security.Authentication.AuthenticationException)
        {
            return new("smtp", Fail, $"{where}: {OneLine(e.Message)}");
        }
    }

    /// <summary>The public URL's /healthz, as this node reaches it.</summary>
    private static async Task<DoctorCheck> PublicUrlAsync(PublicUrls urls, IHttpClientFactory clients, CancellationToken cancellationToken)
    {
        if (urls.Configured is not { } url)
            return new("public-url", Warn, $"Steady:PublicUrl is not set: links use {urls.Base()}");
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(ProbeTimeout);
        try
        {
            using var response = await clients.CreateClient(Watchdog.HttpClientName).GetAsync(url + "/healthz", limit.Token);
            return response.IsSuccessStatusCode ? new("public-url", Ok, $"{url} answers")
                : new("public-url", Fail, $"{url}/healthz answered {(int)response.StatusCode}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new("public-url", Fail, $"{url} did not answer within {ProbeTimeout.TotalSeconds:0} s");
        }
        catch (HttpRequestException e)
        {
            return new("public-url", Fail, $"{url}: {OneLine(e.Message)}");
        }
    }

    private static DoctorCheck Disk(DatabaseInfo database)
    {
        if (database.SqlitePath is not { } path)
            return new("disk", Ok, "PostgreSQL: watch the database server's disk");
        var free = new DriveInfo(Path.GetDirectoryName(Path.GetFullPath(path))!).AvailableFreeSpace;
        var text = $"{Size(free)} free under {Path.GetDirectoryName(Path.GetFullPath(path))}";
        return free < StorageHealth.MinimumFreeBytes ? new("disk", Fail, text) : free < LowDiskBytes ? new("disk", Warn, text) : new("disk", Ok, text);
    }

    /// <summary>With scheduled backups: the last good one any node took (the database's record), late past two intervals as Steady's own alert says.</summary>
    private static async Task<DoctorCheck> ScheduledBackupAsync(SteadyDb db, Backups.BackupOptions options, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var summary = await Backups.BackupSummary.LoadAsync(db, options, now, cancellationToken);
        if (summary.LastSuccessAt is not { } last)
            return new("backup", summary.Overdue ? Fail : Warn, summary.Failures > 0 ? $"none good yet: {summary.LastError}"
                : summary.NextDueAt is { } due ? $"no backup yet; the first is due in {Ago(due - now)}" : "no backup yet");
        var text = $"last good {Ago(now - last)} ago" + (summary.LastBytes is { } bytes ? $", {Backups.BackupSummary.Size(bytes)}" : "");
        return summary.Overdue ? new("backup", Fail, text + ", overdue") : new("backup", Ok, text);
    }

    /// <summary>The newest whole backup (steady-*.db or steady-*.dump) in the backup folder, by its file's time.</summary>
    private static DoctorCheck Backup(BackupFiles backups, DateTimeOffset now)
    {
        var folder = new DirectoryInfo(backups.Directory);
        var newest = folder.Exists
            ? folder.EnumerateFiles("steady-*").Where(f => f.Extension is ".db" or ".dump").MaxBy(f => f.LastWriteTimeUtc)
            : null;
        if (newest is null)
            return new("backup", Warn, $"no backup yet in {backups.Directory}");
        var age = now - new DateTimeOffset(newest.LastWriteTimeUtc, TimeSpan.Zero);
        var text = $"{newest.Name}, {Ago(age)} old";
        return age > BackupAge ? new("backup", Warn, text) : new("backup", Ok, text);
    }

    private static string Ago(TimeSpan age) => age.TotalHours >= 48 ? $"{(int)age.TotalDays} d" : age.TotalMinutes >= 120 ? $"{(int)age.TotalHours} h" : $"{Math.Max(0, (int)age.TotalMinutes)} min";

    private static string Size(long bytes) => bytes >= 1L << 30 ? $"{bytes / (double)(1L << 30):0.#} GiB" : $"{bytes >> 20} MiB";

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();
}
