namespace Steady.Server.Data;

/// <summary>Instants as raw SQL parameters: SQLite columns hold UTC microseconds (the model's converter), PostgreSQL timestamptz.</summary>
public static class DbTime
{
    public static object Param(this SteadyDb db, DateTimeOffset at) =>
        db.IsSqlite ? (at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10 : at.ToUniversalTime();

    /// <summary>Added to a claim's inner SELECT on PostgreSQL, so nodes claim different rows; SQLite has one writer, which the file lock makes this process.</summary>
    public const string SkipLocked = " FOR UPDATE SKIP LOCKED";
}
