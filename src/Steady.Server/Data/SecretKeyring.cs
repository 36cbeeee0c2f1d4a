using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;

namespace Steady.Server.Data;

/// <summary>A stored secret that cannot be opened: its data key is missing, or it was altered.</summary>
public sealed class SecretsException(string message) : Exception(message);

/// <summary>One data key as the secret_keys table keeps it: wrapped (AES-GCM) by a master key.</summary>
public sealed class SecretKey
{
    /// <summary>16 hex characters; each sealed value names the data key it was sealed with.</summary>
    public required string Id { get; set; }

    /// <summary>The id of the master key that wraps it (<see cref="MasterKey.Id"/>).</summary>
    public required string MasterKeyId { get; set; }

    /// <summary>base64 of nonce, ciphertext and tag.</summary>
    public required string Wrapped { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When a rotation replaced it: it still opens values written before, it seals nothing new.</summary>
    public DateTimeOffset? RetiredAt { get; set; }
}

/// <summary>
/// Envelope encryption of recoverable secrets. The master key (<see cref="MasterKey"/>, from
/// <c>Steady:Secrets:Key</c> or its key file, never in the database) wraps random data keys kept in the
/// database; values are sealed with the current data key by AES-256-GCM and stored as
/// <c>enc:v1:&lt;data key id&gt;:&lt;base64url of nonce, ciphertext and tag&gt;</c>. The data key's id is
/// authenticated with the value, so a value cannot be passed off as another key's. Changing the master
/// key re-wraps the few data keys; rotating (<see cref="SecretStore.RotateAsync"/>) seals every value
/// again under a new data key. One per process: loaded at start (<see cref="SecretsStartup"/>) before
/// anything reads a secret.
/// </summary>
public sealed class SecretKeyring(IServiceScopeFactory scopes)
{
    public const string Prefix = "enc:v1:";
    private const int NonceLength = 12;
    private const int TagLength = 16;
    private const int IdLength = 16;

    private volatile Ring? _ring;
    private volatile bool _withheld;

    /// <summary>The master key the data keys are wrapped by, and the data keys by id; <c>Current</c> seals.</summary>
    internal sealed record Ring(MasterKey Master, IReadOnlyList<MasterKey> Previous, IReadOnlyDictionary<string, byte[]> DataKeys, string Current);

    public bool IsLoaded => _ring is not null;

    /// <summary>The id of the data key new values are sealed with.</summary>
    public string CurrentKeyId => RingOrThrow().Current;

    /// <summary>The master key's id (a fingerprint, not the key).</summary>
    public string MasterKeyId => RingOrThrow().Master.Id;

    /// <summary>True for a value in the sealed form (it says nothing about whether it opens).</summary>
    public static bool IsSealed(string? value) =>
        value is not null && value.StartsWith(Prefix, StringComparison.Ordinal) && value.Length > Prefix.Length + IdLength + 1 && value[Prefix.Length + IdLength] == ':';

    public string Seal(string plaintext) => Seal(RingOrThrow(), plaintext);

    public string Open(string stored)
    {
        if (_withheld)
            return stored;
        if (!IsSealed(stored))
            throw new SecretsException("A stored secret is not encrypted; Steady encrypts every secret at start, so it was written around Steady (restore it through Steady).");
        var id = stored.Substring(Prefix.Length, IdLength);
        var ring = RingOrThrow();
        if (!ring.DataKeys.ContainsKey(id))
            ring = Reload(); // another node rotated: its new data key is in the database
        if (!ring.DataKeys.TryGetValue(id, out var key))
            throw new SecretsException($"A stored secret is encrypted with data key {id}, which this database does not hold (was the database restored without its secret_keys table?).");
        return Open(key, id, stored);
    }

    internal static string Seal(Ring ring, string plaintext)
    {
        var key = ring.DataKeys[ring.Current];
        var plain = Encoding.UTF8.GetBytes(plaintext);
        var box = new byte[NonceLength + plain.Length + TagLength];
        RandomNumberGenerator.Fill(box.AsSpan(0, NonceLength));
        using (var gcm = new AesGcm(key, TagLength))
            gcm.Encrypt(box.AsSpan(0, NonceLength), plain, box.AsSpan(NonceLength, plain.Length), box.AsSpan(NonceLength + plain.Length), ValueContext(ring.Current));
        return Prefix + ring.Current + ":" + Base64Url.EncodeToString(box);
    }

    private static string Open(byte[] key, string id, string stored)
    {
        byte[] box;
        try
        {
            box = Base64Url.DecodeFromChars(stored.AsSpan(Prefix.Length + IdLength + 1));
        }
        catch (FormatException)
        {
            throw new SecretsException($"A stored secret (data key {id}) is damaged: it is not base64url.");
        }
        if (box.Length < NonceLength + TagLength)
            throw new SecretsException($"A stored secret (data key {id}) is damaged: it is too short.");
        var plain = new byte[box.Length - NonceLength - TagLength];
        try
        {
            using var gcm = new AesGcm(key, TagLength);
            gcm.Decrypt(box.AsSpan(0, NonceLength), box.AsSpan(NonceLength, plain.Length), box.AsSpan(NonceLength + plain.Length), plain, ValueContext(id));
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new SecretsException($"A stored secret (data key {id}) failed its integrity check: it was altered, or belongs to another database.");
        }
        return Encoding.UTF8.GetString(plain);
    }

    /// <summary>Opens a value with this ring's keys, without reloading (for checking every value at start).</summary>
    internal static string Open(Ring ring, string stored)
    {
        if (!IsSealed(stored))
            throw new SecretsException("A stored secret is not encrypted.");
        var id = stored.Substring(Prefix.Length, IdLength);
        return ring.DataKeys.TryGetValue(id, out var key)
            ? Open(key, id, stored)
            : throw new SecretsException($"A stored secret is encrypted with data key {id}, which this database does not hold (was the database restored without its secret_keys table?).");
    }

    /// <summary>
    /// Opens the data keys with the master key (or a previous one, for keys not yet re-wrapped). Throws
    /// <see cref="StartupException"/> naming what is wrong when the configured key is not the database's.
    /// </summary>
    internal static Ring Unwrap(MasterKey master, IReadOnlyList<MasterKey> previous, IReadOnlyList<SecretKey> rows)
    {
        var keys = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var wrapping = row.MasterKeyId == master.Id ? master : previous.FirstOrDefault(p => p.Id == row.MasterKeyId);
            if (wrapping is null)
            {
                throw new StartupException(
                    $"The secrets in this database are encrypted under master key {row.MasterKeyId}, but the configured key ({master.Source}) is key {master.Id}. "
                    + "Configure the key this database was written with (Steady:Secrets:Key or Steady:Secrets:KeyFile; to change keys, keep the old one in Steady:Secrets:PreviousKeys for one start). See docs/security.md.");
            }
            keys[row.Id] = UnwrapKey(wrapping, row);
        }
        var current = rows.Where(r => r.RetiredAt is null).OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id, StringComparer.Ordinal).FirstOrDefault();
        return new Ring(master, previous, keys, current?.Id ?? "");
    }

    internal static byte[] UnwrapKey(MasterKey master, SecretKey row)
    {
        try
        {
            var box = Convert.FromBase64String(row.Wrapped);
            var key = new byte[32];
            if (box.Length != NonceLength + key.Length + TagLength)
                throw new FormatException();
            using var gcm = new AesGcm(master.Bytes, TagLength);
            gcm.Decrypt(box.AsSpan(0, NonceLength), box.AsSpan(NonceLength, key.Length), box.AsSpan(NonceLength + key.Length), key, KeyContext(row.Id));
            return key;
        }
        catch (Exception e) when (e is FormatException or AuthenticationTagMismatchException)
        {
            throw new StartupException($"Data key {row.Id} in the database does not open with master key {master.Id} ({master.Source}): the secret_keys table was altered or copied from another database.");
        }
    }

    /// <summary>A new random data key wrapped by the master key.</summary>
    internal static (SecretKey Row, byte[] Key) NewDataKey(MasterKey master, DateTimeOffset now)
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var row = new SecretKey { Id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(IdLength / 2)), MasterKeyId = master.Id, Wrapped = "", CreatedAt = now };
        row.Wrapped = Wrap(master, row.Id, key);
        return (row, key);
    }

    internal static string Wrap(MasterKey master, string id, byte[] key)
    {
        var box = new byte[NonceLength + key.Length + TagLength];
        RandomNumberGenerator.Fill(box.AsSpan(0, NonceLength));
        using (var gcm = new AesGcm(master.Bytes, TagLength))
            gcm.Encrypt(box.AsSpan(0, NonceLength), key, box.AsSpan(NonceLength, key.Length), box.AsSpan(NonceLength + key.Length), KeyContext(id));
        return Convert.ToBase64String(box);
    }

    internal Ring? Current => _ring;

    internal void Use(Ring ring) => _ring = ring;

    /// <summary>
    /// For a process that must never hold the keys (the report worker, which only reads): what it reads stays sealed
    /// (<see cref="Open"/> gives the stored form back), and sealing fails, for the keyring is never loaded.
    /// </summary>
    internal void Withhold() => _withheld = true;

    private Ring RingOrThrow() => _ring ?? throw new InvalidOperationException("The secrets keyring is read at start (SecretsStartup) before any secret is used.");

    /// <summary>Reads the data keys again (after another node rotated); the master keys stay those read at start.</summary>
    private Ring Reload()
    {
        var ring = RingOrThrow();
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<SteadyDb>();
        var rows = db.SecretKeys.AsNoTracking().ToList();
        try
        {
            var fresh = Unwrap(ring.Master, ring.Previous, rows);
            _ring = fresh;
            return fresh;
        }
        catch (StartupException e)
        {
            throw new SecretsException(e.Message);
        }
    }

    private static byte[] ValueContext(string id) => Encoding.ASCII.GetBytes("steady secret " + id);

    private static byte[] KeyContext(string id) => Encoding.ASCII.GetBytes("steady data key " + id);
}
