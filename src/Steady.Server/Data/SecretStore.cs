using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Steady.Server.Data;

/// <summary>What a rotation did: the new data key, how many stored values were sealed again, which data keys it retired.</summary>
public sealed record SecretRotation(string DataKeyId, string MasterKeyId, int Reencrypted, IReadOnlyList<string> Retired);

/// <summary>
/// The secrets' keys over time: read at start (the master key checked against the database, data keys still
/// wrapped by a previous master key re-wrapped, every secret written before encryption existed sealed), and
/// rotated on an administrator's request (every stored secret sealed again under a new data key). Each runs in
/// one transaction holding the migration lock, so nodes starting or rotating at once take turns.
/// </summary>
public static partial class SecretStore
{
    public static async Task<int> OpenAsync(SteadyDb db, SecretsOptions options, DatabaseInfo database, SecretKeyring keyring, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            int sealedNow;
            bool first;
            SecretKeyring.Ring ring;
            await using (var transaction = await Migrator.BeginLockedAsync(connection, db.IsSqlite, cancellationToken))
            {
                await db.Database.UseTransactionAsync(transaction, cancellationToken);
                var rows = await db.SecretKeys.ToListAsync(cancellationToken);
                var newest = rows.OrderByDescending(r => r.CreatedAt).FirstOrDefault();
                var (master, written) = MasterKey.Resolve(options, database, newest?.MasterKeyId);
                if (written is not null)
                    LogKeyWritten(logger, written, master.Id);
                var previous = options.PreviousKeys.Where(k => !string.IsNullOrWhiteSpace(k))
                    .Select((k, i) => MasterKey.Parse(k, $"Steady:Secrets:PreviousKeys:{i}")).ToList();
                ring = SecretKeyring.Unwrap(master, previous, rows);

                var rewrapped = rows.Where(r => r.MasterKeyId != master.Id).ToList();
                var formerMasters = rewrapped.Select(r => r.MasterKeyId).Distinct().ToList();
                foreach (var row in rewrapped)
                {
                    var before = row.MasterKeyId;
                    row.Wrapped = SecretKeyring.Wrap(master, row.Id, ring.DataKeys[row.Id]);
                    row.MasterKeyId = master.Id;
                    LogRewrapped(logger, row.Id, before, master.Id);
                }
                if (rewrapped.Count > 0)
                {
                    db.AuditEvent("secrets_master_key_changed", "secrets", master.Id, null, "system", new Dictionary<string, string?>
                    {
                        ["masterKey"] = master.Id,
                        ["previousMasterKeys"] = string.Join(", ", formerMasters),
                        ["dataKeysRewrapped"] = rewrapped.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    });
                }

                first = ring.Current.Length == 0;
                if (first)
                {
                    var (row, key) = SecretKeyring.NewDataKey(master, time.GetUtcNow());
                    db.SecretKeys.Add(row);
                    ring = ring with { DataKeys = new Dictionary<string, byte[]>(ring.DataKeys) { [row.Id] = key }, Current = row.Id };
                }
                await db.SaveChangesAsync(cancellationToken);

                // Secrets written before they were encrypted are sealed now; every sealed one must open (a wrong key stops here, not later).
                var start = ring;
                try
                {
                    sealedNow = await SecretColumns.ResealAsync(connection, transaction, db.Model,
                        stored => SecretKeyring.IsSealed(stored) ? (stored, SecretKeyring.Open(start, stored)) : (SecretKeyring.Seal(start, stored), stored),
                        cancellationToken);
                }
                catch (SecretsException e)
                {
                    throw new StartupException($"Cannot open the secrets stored in this database with master key {master.Id} ({master.Source}): {e.Message}");
                }
                if (sealedNow > 0)
                {
                    db.AuditEvent("secrets_encrypted", "secrets", ring.Current, null, "system", new Dictionary<string, string?>
                    {
                        ["dataKey"] = ring.Current,
                        ["encrypted"] = sealedNow.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    });
                    await db.SaveChangesAsync(cancellationToken);
                }
                await transaction.CommitAsync(cancellationToken);
            }
            await db.Database.UseTransactionAsync(null, cancellationToken);
            keyring.Use(ring);
            if (sealedNow > 0)
                LogSealed(logger, sealedNow, ring.Current);
            if (first && db.IsSqlite)
            {
                // The file may still hold plaintext of secrets written before they were encrypted (the old rows' pages,
                // free pages, the audit log's old text): rewritten once, from live rows only.
                await db.Database.ExecuteSqlRawAsync("VACUUM", cancellationToken);
                await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE)", cancellationToken);
            }
            return sealedNow;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// Seals every stored secret again under a new data key made now, retires the data keys in use until now (they still
    /// open what another node writes before it learns of the new one) and deletes those retired by an earlier rotation;
    /// an audit entry names who rotated, never a value.
    /// </summary>
    public static async Task<SecretRotation> RotateAsync(SteadyDb db, SecretKeyring keyring, TimeProvider time, Guid? actorId, string actorName, CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var transaction = await Migrator.BeginLockedAsync(connection, db.IsSqlite, cancellationToken);
            await db.Database.UseTransactionAsync(transaction, cancellationToken);
            var known = keyring.Current ?? throw new InvalidOperationException("The secrets keyring is not loaded.");
            var rows = await db.SecretKeys.ToListAsync(cancellationToken);
            SecretKeyring.Ring ring;
            try
            {
                ring = SecretKeyring.Unwrap(known.Master, known.Previous, rows); // the database's keys, also those another node made
            }
            catch (StartupException e)
            {
                throw new SecretsException(e.Message);
            }
            var now = time.GetUtcNow();
            var (row, key) = SecretKeyring.NewDataKey(ring.Master, now);
            var next = ring with { DataKeys = new Dictionary<string, byte[]>(ring.DataKeys) { [row.Id] = key }, Current = row.Id };
            var count = await SecretColumns.ResealAsync(connection, transaction, db.Model, stored =>
            {
                var plain = SecretKeyring.IsSealed(stored) ? SecretKeyring.Open(next, stored) : stored;
                return (SecretKeyring.Seal(next, plain), plain);
            }, cancellationToken);
            var retired = new List<string>();
            foreach (var old in rows)
            {
                if (old.RetiredAt is null)
                {
                    old.RetiredAt = now;
                    retired.Add(old.Id);
                }
                else
                {
                    db.SecretKeys.Remove(old);
                }
            }
            db.SecretKeys.Add(row);
            db.AuditEvent("secrets_rotated", "secrets", row.Id, actorId, actorName, new Dictionary<string, string?>
            {
                ["dataKey"] = row.Id,
                ["retiredDataKeys"] = string.Join(", ", retired),
                ["reencrypted"] = count.ToString(System.Globalization.CultureInfo.InvariantCulture),
            });
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            keyring.Use(next with { DataKeys = next.DataKeys.Where(k => k.Key == row.Id || rows.Any(r => r.Id == k.Key && r.RetiredAt == now)).ToDictionary() });
            return new SecretRotation(row.Id, ring.Master.Id, count, retired);
        }
        finally
        {
            await db.Database.UseTransactionAsync(null, cancellationToken);
            await db.Database.CloseConnectionAsync();
        }
    }

    [LoggerMessage(EventId = 110, Level = LogLevel.Warning, Message = "Made a new master key for the secrets stored in the database and wrote it to {Path} (key {KeyId}). Back this file up separately from the database: a backup of the database cannot be read without it, and it must not travel with the database")]
    private static partial void LogKeyWritten(ILogger logger, string path, string keyId);

    [LoggerMessage(EventId = 111, Level = LogLevel.Information, Message = "Encrypted {Count} secret(s) stored before secrets were encrypted (data key {KeyId})")]
    private static partial void LogSealed(ILogger logger, int count, string keyId);

    [LoggerMessage(EventId = 112, Level = LogLevel.Warning, Message = "Data key {DataKeyId} re-wrapped from master key {Previous} to {Current}: once every node runs with the new key, remove the previous one from Steady:Secrets:PreviousKeys")]
    private static partial void LogRewrapped(ILogger logger, string dataKeyId, string previous, string current);
}

/// <summary>Before anything reads a secret: the master key read (or made), the database's secrets opened with it (<see cref="SecretStore.OpenAsync"/>).</summary>
public sealed class SecretsStartup(IServiceProvider services, IOptions<SecretsOptions> options, DatabaseInfo database, SecretKeyring keyring, TimeProvider time, ILogger<SecretsStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SteadyDb>();
        try
        {
            await SecretStore.OpenAsync(db, options.Value, database, keyring, time, logger, cancellationToken);
        }
        catch (System.Data.Common.DbException e)
        {
            throw new StartupException($"Cannot read the secrets' keys from the {database.Provider} database: {e.Message}");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
