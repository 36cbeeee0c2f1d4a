using System.Globalization;

namespace Steady.Cli.Commands;

/// <summary>An incident's human number as people write it: 42, INC-42 or #42.</summary>
internal static class IncidentNumber
{
    public static bool TryParse(string text, out int number, out string error)
    {
        var trimmed = text.Trim();
        if (trimmed.StartsWith("INC-", StringComparison.OrdinalIgnoreCase))
            trimmed = trimmed[4..];
        else if (trimmed.StartsWith('#'))
            trimmed = trimmed[1..];
        if (int.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out number) && number > 0)
        {
            error = "";
            return true;
        }
        error = $"'{text}' is not an incident number (e.g. 42 or INC-42).";
        return false;
    }

    public static System.CommandLine.Option<int?> Option(string description)
    {
        var option = new System.CommandLine.Option<int?>("--incident") { Description = description, HelpName = "N" };
        return Syntax.Checked(option, (string text, out int? value, out string error) =>
        {
            var ok = TryParse(text, out var number, out error);
            value = ok ? number : null;
            return ok;
        });
    }
}
