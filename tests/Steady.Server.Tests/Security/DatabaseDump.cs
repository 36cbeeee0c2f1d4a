using System.Diagnostics;
using System.Text;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Steady.Server.Tests.Security;

/// <summary>What a thief with a copy of the database holds: the SQLite files' bytes (the database, its log), or what pg_dump writes.</summary>
internal static class DatabaseDump
{
    public static async Task<byte[]> TakeAsync(TestDatabase database)
    {
        if (database.IsSqlite)
        {
            SqliteConnection.ClearAllPools();
            using var bytes = new MemoryStream();
            foreach (var file in Directory.GetFiles(database.Folder, "steady.db*").Order(StringComparer.Ordinal))
            {
                await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                await stream.CopyToAsync(bytes);
            }
            return bytes.ToArray();
        }
        var connection = new NpgsqlConnectionStringBuilder(database.ConnectionString);
        var start = new ProcessStartInfo("pg_dump", ["-h", connection.Host!, "-p", connection.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", connection.Username!, "-d", connection.Database!, "--no-owner"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (!string.IsNullOrEmpty(connection.Password))
            start.Environment["PGPASSWORD"] = connection.Password;
        using var process = Process.Start(start)!;
        using var output = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(output);
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        await copy;
        Assert.True(process.ExitCode == 0, "pg_dump failed: " + await errors);
        return output.ToArray();
    }

    /// <summary>Fails naming the first secret the dump holds in the clear.</summary>
    public static void HoldsNone(byte[] dump, IEnumerable<string> secrets)
    {
        foreach (var secret in secrets)
            Assert.True(dump.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)) < 0, $"The database dump holds '{secret}' in the clear.");
    }

    /// <summary>The dump does hold ordinary text in the clear: what proves that a search of it can find something.</summary>
    public static void Holds(byte[] dump, string text) =>
        Assert.True(dump.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0, $"The database dump should hold '{text}' (it is no secret).");
}
