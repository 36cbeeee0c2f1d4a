using System.Globalization;
using System.Text;

namespace Steady.Server.Features.Reports;

/// <summary>
/// The compensation CSV (RFC 4180: comma-separated, CRLF, quoted where needed, a header row): one row per
/// person per team for the period, the same figures as the on-call report's JSON (hours to two decimals),
/// with the amount when the team has rates. A cell a spreadsheet would run as a formula (starting with =, +,
/// -, @) is prefixed with an apostrophe.
/// </summary>
public static class CompensationCsv
{
    public static readonly string[] Columns =
    [
        "period_start", "period_end", "team", "person", "email", "time_zone",
        "hours_on_call", "first_level_hours", "later_level_hours", "business_hours", "off_hours", "sleep_hours", "weekend_hours", "holiday_hours", "longest_stretch_hours",
        "pages", "interruptions", "business_interruptions", "off_hour_interruptions", "sleep_hour_interruptions", "acknowledgements", "escalated_past",
        "rest_broken_weeks", "currency", "amount_hours", "amount_interruptions", "amount",
    ];

    public static string Write(OnCallReportDto report)
    {
        var text = new StringBuilder();
        Line(text, Columns);
        var (from, to) = (Instant(report.From), Instant(report.To));
        foreach (var team in report.Teams)
        {
            foreach (var p in team.People)
            {
                var h = p.Hours;
                var c = p.Compensation;
                Line(text,
                [
                    from, to, team.Name, p.Name, p.Email, p.TimeZone,
                    N(h.OnCall), N(h.FirstLevel), N(h.LaterLevel), N(h.Business), N(h.Off), N(h.Sleep), N(h.Weekend), N(h.Holiday), N(h.LongestStretch),
                    N(p.Pages), N(p.Interruptions.Total), N(p.Interruptions.Business), N(p.Interruptions.Off), N(p.Interruptions.Sleep), N(p.Acknowledgements), N(p.EscalatedPast),
                    N(p.BrokenRest.Count), c?.Currency ?? "", c is null ? "" : N(c.ForHours), c is null ? "" : N(c.ForInterruptions), c is null ? "" : N(c.Total),
                ]);
            }
        }
        return text.ToString();
    }

    private static string Instant(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string N(decimal value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    private static string N(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static void Line(StringBuilder text, IReadOnlyList<string> cells)
    {
        for (var i = 0; i < cells.Count; i++)
        {
            if (i > 0)
                text.Append(',');
            text.Append(Cell(cells[i]));
        }
        text.Append("\r\n");
    }

    private static string Cell(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
            value = "'" + value;
        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
