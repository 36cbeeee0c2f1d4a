using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Steady.Server.Data;

public static class DbErrors
{
    /// <summary>True when a save failed on a unique index: somebody else took the name first.</summary>
    public static bool IsUniqueViolation(DbUpdateException exception) => exception.InnerException switch
    {
        SqliteException sqlite => sqlite.SqliteErrorCode == 19 && sqlite.SqliteExtendedErrorCode is 2067 or 1555,
        PostgresException postgres => postgres.SqlState == PostgresErrorCodes.UniqueViolation,
        _ => false,
    };

    public static bool IsForeignKeyViolation(DbUpdateException exception) => exception.InnerException switch
    {
        SqliteException sqlite => sqlite.SqliteErrorCode == 19 && sqlite.SqliteExtendedErrorCode == 787,
        PostgresException postgres => postgres.SqlState == PostgresErrorCodes.ForeignKeyViolation,
        _ => false,
    };

    /// <summary>
    /// True when the database could not be used at all, for a while, through nobody's fault in the request: PostgreSQL
    /// unreachable, shutting down, starting up or out of connections, a connection lost; its disk full; SQLite's disk full,
    /// an I/O error or its file unopenable; a command timed out. It passes by itself (or once an operator frees space):
    /// requests are answered 503 with Retry-After, the engine tries the same work again shortly.
    /// </summary>
    public static bool IsUnavailable(Exception exception) => UnavailableCause(exception) is not null;

    /// <summary>The error inside <paramref name="exception"/> that says the database is unavailable (<see cref="IsUnavailable"/>), or null.</summary>
    public static Exception? UnavailableCause(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException postgres:
                    return postgres.SqlState.StartsWith("08", StringComparison.Ordinal) // connection exception
                        || postgres.SqlState.StartsWith("53", StringComparison.Ordinal) // insufficient resources: disk full, out of memory, too many connections
                        || postgres.SqlState.StartsWith("57P", StringComparison.Ordinal) // admin shutdown, crash shutdown, cannot connect now
                        || postgres.SqlState == "58030" // I/O error
                        ? e : null;
                case NpgsqlException: // not from the server: could not connect, connection broken, timeout
                    return e;
                case SqliteException sqlite:
                    return sqlite.SqliteErrorCode is 13 or 10 or 14 or 5 or 6 ? e : null; // FULL, IOERR, CANTOPEN, BUSY, LOCKED
                case TimeoutException:
                    return e;
            }
        }
        return null;
    }

    /// <summary>True when the storage under the database is full (SQLite's SQLITE_FULL, PostgreSQL's disk_full).</summary>
    public static bool IsFull(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is SqliteException { SqliteErrorCode: 13 } || e is PostgresException { SqlState: "53100" })
                return true;
        }
        return false;
    }
}
