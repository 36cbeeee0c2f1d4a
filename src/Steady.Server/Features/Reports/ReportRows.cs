using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using NodaTime;
using Steady.Server.Data;

namespace Steady.Server.Features.Reports;

/// <summary>
/// The reports' few large reads (a year holds a million alerts), read row by row straight from the database's
/// reader: the same SQL on SQLite and PostgreSQL but for what <see cref="Label"/> writes, instants as SQLite's
/// microseconds or PostgreSQL's timestamptz (<see cref="At"/>). Reads only: nothing here writes or opens a
/// transaction, so a report never holds SQLite's one writer.
/// </summary>
public static class ReportRows
{
    /// <summary>Runs <paramref name="sql"/> (parameters @p0, @p1… in order) and hands each row to <paramref name="row"/>.</summary>
    public static async Task ReadAsync(SteadyDb db, string sql, IReadOnlyList<object> parameters, Action<DbDataReader> row, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = sql;
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            for (var i = 0; i < parameters.Count; i++)
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = "@p" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                parameter.Value = parameters[i];
                command.Parameters.Add(parameter);
            }
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                row(reader);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>An instant column (<paramref name="sqlite"/>: <see cref="SteadyDb.IsSqlite"/>, asked once, not per row).</summary>
    public static Instant At(DbDataReader reader, int ordinal, bool sqlite) => sqlite
        ? Instant.FromUnixTimeTicks(reader.GetInt64(ordinal) * 10)
        : Instant.FromDateTimeUtc(DateTime.SpecifyKind(reader.GetDateTime(ordinal), DateTimeKind.Utc));

    /// <summary>An instant column that may be empty.</summary>
    public static Instant? AtOrNull(DbDataReader reader, int ordinal, bool sqlite) => reader.IsDBNull(ordinal) ? null : At(reader, ordinal, sqlite);

    /// <summary>SQL for the value of one label in a labels <paramref name="column"/> (null when absent), its path (<see cref="SteadyDb.LabelPath"/>) passed as <paramref name="pathParameter"/>.</summary>
    public static string Label(this SteadyDb db, string column, string pathParameter) =>
        db.IsSqlite ? $"json_extract({column}, {pathParameter})" : $"jsonb_extract_path_text({column}::jsonb, {pathParameter})";
}
