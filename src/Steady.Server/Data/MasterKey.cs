using System.Security.Cryptography;
using System.Text;

namespace Steady.Server.Data;

/// <summary>The "Steady:Secrets" section: the master key that protects the secrets stored in the database.</summary>
public sealed class SecretsOptions
{
    public const string Section = "Steady:Secrets";

    /// <summary>The master key itself: 32 random bytes in base64 (<c>openssl rand -base64 32</c>). Outranks <see cref="KeyFile"/>.</summary>
    public string? Key { get; set; }

    /// <summary>A file holding the master key. Default: steady.key beside the SQLite database; data/steady.key with PostgreSQL.</summary>
    public string? KeyFile { get; set; }

    /// <summary>Master keys used before: at start, data keys still wrapped by one of them are re-wrapped by the current key.</summary>
    public List<string> PreviousKeys { get; set; } = [];
}

/// <summary>
/// The master key: 32 bytes from configuration or a file, never stored in the database. Its id is a
/// fingerprint (HMAC of a constant under the key), so a wrong key is recognised at start without
/// trying it on data.
/// </summary>
public sealed record MasterKey(string Id, byte[] Bytes, string Source)
{
    public const string FileName = "steady.key";

    /// <summary>A master key from its text (base64 of 32 bytes); <paramref name="source"/> names where it came from in errors.</summary>
    public static MasterKey Parse(string text, string source)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(text.Trim());
        }
        catch (FormatException)
        {
            bytes = [];
        }
        if (bytes.Length != 32)
            throw new StartupException($"{source} must hold a master key of 32 random bytes in base64 (make one with: openssl rand -base64 32).");
        return new MasterKey(IdOf(bytes), bytes, source);
    }

    public static MasterKey New(string source)
    {
        var bytes = RandomNumberGenerator.GetBytes(32);
        return new MasterKey(IdOf(bytes), bytes, source);
    }

    /// <summary>The key as its file holds it.</summary>
    public string Text => Convert.ToBase64String(Bytes);

    /// <summary>Where the key file is when <c>Steady:Secrets:KeyFile</c> does not say: beside the SQLite database, else data/steady.key.</summary>
    public static string DefaultPath(DatabaseInfo database) =>
        database.SqlitePath is { } sqlite
            ? Path.Combine(Path.GetDirectoryName(sqlite) ?? ".", FileName)
            : Path.GetFullPath(Path.Combine("data", FileName));

    /// <summary>
    /// The master key configured, read from its file, or — when the database holds no secrets yet and the file
    /// does not exist — made and written to the file (only its owner may read it). The second value is the
    /// path of a file just written, else null.
    /// </summary>
    public static (MasterKey Key, string? Written) Resolve(SecretsOptions options, DatabaseInfo database, string? databaseKeyId)
    {
        if (!string.IsNullOrWhiteSpace(options.Key))
            return (Parse(options.Key, "Steady:Secrets:Key"), null);
        var path = Path.GetFullPath(string.IsNullOrWhiteSpace(options.KeyFile) ? DefaultPath(database) : options.KeyFile);
        if (File.Exists(path))
            return (Read(path), null);
        if (databaseKeyId is not null)
        {
            throw new StartupException(
                $"The secrets in this database are encrypted under master key {databaseKeyId}, but its key file {path} does not exist. "
                + "Restore the key file from where you keep its backup, or set Steady:Secrets:Key (or Steady:Secrets:KeyFile) to that key. See docs/security.md.");
        }
        var made = New($"the key file {path}");
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var temporary = path + "." + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)) + ".tmp";
            var options600 = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
                options600.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var stream = new FileStream(temporary, options600))
            using (var writer = new StreamWriter(stream, new UTF8Encoding(false)))
                writer.WriteLine(made.Text);
            try
            {
                File.Move(temporary, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                File.Delete(temporary); // another node starting at the same time wrote it first: use theirs
                return (Read(path), null);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StartupException($"Cannot write the new master key to {path}: {e.Message}. Set Steady:Secrets:KeyFile to a writable place, or Steady:Secrets:Key.");
        }
        return (made, path);
    }

    private static MasterKey Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StartupException($"Cannot read the master key file {path}: {e.Message}");
        }
        return Parse(text, $"the key file {path}");
    }

    private static string IdOf(byte[] key) => Convert.ToHexStringLower(HMACSHA256.HashData(key, "steady master key id"u8)[..8]);
}
