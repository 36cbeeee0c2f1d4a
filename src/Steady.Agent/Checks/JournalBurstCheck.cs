using System.Globalization;
using System.Text.RegularExpressions;
using Steady.Host.Journal;

namespace Steady.Agent.Checks;

/// <summary>
/// A journal pattern burst: more than <c>count</c> entries matching <c>pattern</c> (of one unit,
/// or any) in the last <c>window</c> — "connection pool exhausted" more than 50 times in 5 minutes.
/// </summary>
public sealed class JournalBurstCheck(string name, string severity, Regex pattern, string? unit, int count, TimeSpan window, IReadOnlyList<string> files) : ICheck
{
    public string Name => name;

    public string Type => "journal-burst";

    public Task<CheckRun> RunAsync(CheckContext context, CancellationToken cancellationToken)
    {
        var now = context.Time.GetUtcNow();
        var reader = context.Journal();
        var query = new JournalQuery
        {
            Since = now - window,
            Until = now,
            Units = unit is null ? [] : [JournalQuery.UnitName(unit)],
            Files = files,
        };
        var matched = 0;
        DateTimeOffset? last = null;
        foreach (var entry in reader.Read(query, cancellationToken))
        {
            if (unit is not null && entry.Unit != query.Units[0])
                continue; // the unit filter also brings systemd's and the kernel's lines
            if (pattern.IsMatch(entry.Message))
            {
                matched++;
                last = entry.At;
            }
        }
        if (matched <= count)
            return Task.FromResult(CheckRun.Passing);
        var summary = string.Create(CultureInfo.InvariantCulture,
            $"'{pattern}' ×{matched} in the last {Minutes(window)} on {context.Host}{(unit is null ? "" : $" from {unit}")} (more than {count}; last at {last!.Value.UtcDateTime:HH:mm:ss} UTC)");
        return Task.FromResult(new CheckRun([new Failing("", summary, severity, unit is null ? null : new Dictionary<string, string> { ["unit"] = unit })]));
    }

    private static string Minutes(TimeSpan t) => t.TotalMinutes >= 1 ? $"{t.TotalMinutes:0.#} min" : $"{t.TotalSeconds:0} s";
}
