using System.Data.Common;
using System.Text;
using System.Text.Json;

namespace Steady.Server.Data;

/// <summary>
/// Text in the database is valid Unicode: request bodies are checked before they are read
/// (Infrastructure/RequestText), and the drivers themselves write an unpaired surrogate in a .NET string
/// as U+FFFD (Microsoft.Data.Sqlite) or refuse it (Npgsql). What could still hold one is JSON kept as
/// the sender wrote it — an alert's details, a snapshot document — since an escape such as "\ud800" is
/// plain ASCII until it is decoded, and a response writing it failed half-way. Such rows, stored before
/// the check existed, are repaired by migration 15 (<see cref="RepairAsync"/>); stored JSON read for a
/// response goes through <see cref="Json"/>, which repairs on the way out whatever the rows hold.
/// </summary>
public static class StoredText
{
    /// <summary>The columns that keep client JSON as it was sent.</summary>
    private static readonly (string Table, string Column)[] RawJsonColumns = [("alerts", "details"), ("incident_evidence", "document")];

    /// <summary>Stored JSON as an element that can always be written back out: unpaired surrogates (escaped or not) become U+FFFD.</summary>
    public static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(RepairJson(json));
        return document.RootElement.Clone();
    }

    /// <summary>
    /// <paramref name="json"/> with every unpaired surrogate — a \uD800-\uDFFF escape not part of a pair, or such a
    /// character itself — replaced by U+FFFD (as the escape \ufffd, or the character); the same string when there is none.
    /// Escaped backslashes are skipped as a unit, so the text \\ud800 (a backslash, then "ud800") is left alone.
    /// </summary>
    public static string RepairJson(string json)
    {
        if (!json.Contains("\\u", StringComparison.OrdinalIgnoreCase) && !json.Any(char.IsSurrogate))
            return json;
        StringBuilder? repaired = null;
        var copied = 0;
        void Replace(int at, int length, string with)
        {
            repaired ??= new StringBuilder(json.Length);
            repaired.Append(json, copied, at - copied).Append(with);
            copied = at + length;
        }
        for (var i = 0; i < json.Length; i++)
        {
            var c = json[i];
            if (c == '\\' && i + 1 < json.Length)
            {
                if (Escape(json, i) is { } unit)
                {
                    if (char.IsHighSurrogate(unit) && Escape(json, i + 6) is { } low && char.IsLowSurrogate(low))
                    {
                        i += 11; // a pair: both stay
                    }
                    else
                    {
                        if (char.IsSurrogate(unit))
                            Replace(i, 6, "\\ufffd");
                        i += 5;
                    }
                    continue;
                }
                i++; // \" \\ \n …: the next character is part of the escape
                continue;
            }
            if (char.IsHighSurrogate(c) && i + 1 < json.Length && char.IsLowSurrogate(json[i + 1]))
                i++;
            else if (char.IsSurrogate(c))
                Replace(i, 1, "\uFFFD");
        }
        if (repaired is null)
            return json;
        return repaired.Append(json, copied, json.Length - copied).ToString();
    }

    /// <summary>The UTF-16 code unit of the \uXXXX escape at <paramref name="at"/>, or null when there is none there.</summary>
    private static char? Escape(string json, int at)
    {
        if (at + 6 > json.Length || json[at] != '\\' || json[at + 1] != 'u')
            return null;
        return ushort.TryParse(json.AsSpan(at + 2, 4), System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out var unit)
            ? (char)unit
            : null;
    }

    /// <summary>Migration 15: rewrites the rows of <see cref="RawJsonColumns"/> that hold an unpaired surrogate, in the migration's transaction.</summary>
    public static async Task RepairAsync(DbConnection connection, DbTransaction transaction, bool sqlite, CancellationToken cancellationToken)
    {
        foreach (var (table, column) in RawJsonColumns)
        {
            var suspects = new List<(object Id, string Text)>();
            await using (var select = connection.CreateCommand())
            {
                select.Transaction = transaction;
                // Only rows with an escape at all can hold an escaped surrogate (raw ones cannot be stored: see above).
                select.CommandText = sqlite
                    ? $"SELECT id, {column} FROM {table} WHERE instr({column}, '\\u') > 0"
                    : $"SELECT id, {column} FROM {table} WHERE strpos({column}, '\\u') > 0";
                await using var reader = await select.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                    suspects.Add((reader.GetValue(0), reader.GetString(1)));
            }
            foreach (var (id, text) in suspects)
            {
                var repaired = RepairJson(text);
                if (ReferenceEquals(repaired, text))
                    continue;
                await using var update = connection.CreateCommand();
                update.Transaction = transaction;
                update.CommandText = $"UPDATE {table} SET {column} = @text WHERE id = @id";
                var textParameter = update.CreateParameter();
                textParameter.ParameterName = "@text";
                textParameter.Value = repaired;
                var idParameter = update.CreateParameter();
                idParameter.ParameterName = "@id";
                idParameter.Value = id;
                update.Parameters.Add(textParameter);
                update.Parameters.Add(idParameter);
                await update.ExecuteNonQueryAsync(cancellationToken);
            }
        }
    }
}
