using System.CommandLine;
using System.Text.Json;
using Steady.Cli.Api;
using Steady.Cli.Output;

namespace Steady.Cli.Commands;

/// <summary>
/// steady doctor: checks a running installation — the server answering and ready (/readyz), then what the server
/// finds about itself (GET /api/v1/doctor: database and schema, this node's clock against the database's, workers,
/// SMTP, public URL, disk, newest backup, channels' failures). One line per check, at most 80 columns:
/// "ok", "warn" or "FAIL", the check's name, what was found. Exits 1 when any check fails; warnings pass.
/// </summary>
internal static class DoctorCommand
{
    private const int Width = 80;

    public static Command Build(Globals globals)
    {
        var command = new Command("doctor", "Check a running installation: database, schema, clocks, workers, SMTP, public URL, disk, backups, channels; one line per check, exit 1 when one fails (organization admins)");
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var session = globals.Open(parse);
            var lines = new List<(string Status, string Name, string Detail)>();
            try
            {
                await session.Api.GetAsync("../../readyz", cancellationToken);
                lines.Add(("ok", "server", $"{session.Connection.Server} is ready"));
            }
            catch (ApiProblem problem) when (problem.Status != 401)
            {
                lines.Add(("fail", "server", $"not ready: {ProblemMessage.OneLine(problem.Message) ?? problem.Status.ToString(System.Globalization.CultureInfo.InvariantCulture)}"));
            }
            catch (CliException e)
            {
                lines.Add(("fail", "server", ProblemMessage.OneLine(e.Message) ?? "cannot reach the server"));
                Write(session, lines, null);
                return ExitCodes.Error;
            }
            var report = await session.Api.GetAsync("doctor", cancellationToken);
            foreach (var check in report.GetProperty("checks").EnumerateArray())
                lines.Add((check.GetProperty("status").GetString()!, check.GetProperty("name").GetString()!, check.GetProperty("detail").GetString()!));
            Write(session, lines, report);
            return lines.Any(l => l.Status == "fail") ? ExitCodes.Error : ExitCodes.Ok;
        });
        return command;
    }

    private static void Write(Session session, List<(string Status, string Name, string Detail)> lines, JsonElement? report)
    {
        if (session.Json)
        {
            JsonOutput.Write(session.Out, JsonSerializer.SerializeToElement(new
            {
                node = report?.GetProperty("node").GetString(),
                checks = lines.Select(l => new { name = l.Name, status = l.Status, detail = l.Detail }),
            }));
            return;
        }
        foreach (var (status, name, detail) in lines)
            session.Out.WriteLine(Line(status, name, detail));
    }

    /// <summary>"ok   database    sqlite reachable", cut to 80 columns with an ellipsis.</summary>
    internal static string Line(string status, string name, string detail)
    {
        var line = $"{(status == "fail" ? "FAIL" : status),-4} {Table.Clean(name),-10} {Table.Clean(detail)}";
        return line.Length <= Width ? line : line[..(Width - 1)] + "…";
    }
}
