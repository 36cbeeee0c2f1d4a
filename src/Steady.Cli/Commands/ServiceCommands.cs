using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Steady.Cli.Api;
using Steady.Cli.Output;

namespace Steady.Cli.Commands;

/// <summary>steady service list | create | show, and the integration keys under `service key`.</summary>
internal static class ServiceCommands
{
    public static Command Build(Globals globals)
    {
        var service = new Command("service", "Services are what alerts are about; each belongs to one team");
        service.Subcommands.Add(List(globals));
        service.Subcommands.Add(Create(globals));
        service.Subcommands.Add(Show(globals));
        service.Subcommands.Add(KeyCommands.Build(globals));
        return service;
    }

    private static Command List(Globals globals)
    {
        var team = new Option<string>("--team") { Description = "Only this team's services (name or id)", HelpName = "TEAM" };
        var command = new Command("list", "List services") { team };
        globals.SetAction(command, async (session, parse, cancellationToken) =>
        {
            var only = parse.GetValue(team);
            var path = string.IsNullOrWhiteSpace(only) ? "services" : $"services?team={Uri.EscapeDataString(only.Trim())}";
            var items = await session.Api.GetAllAsync(path, cancellationToken);
            if (session.Json)
            {
                JsonOutput.Write(session.Out, items);
                return;
            }
            if (items.Count == 0)
            {
                session.Out.WriteLine(string.IsNullOrWhiteSpace(only)
                    ? "No services yet. Create one with 'steady service create NAME --team TEAM'."
                    : $"Team {Table.Clean(only)} has no services yet.");
                return;
            }
            var table = new Table("Name", "Team", "Description", "Runbook").Limit(2, 50);
            foreach (var item in items)
            {
                var s = item.Deserialize(CliJson.Default.ServiceDto)!;
                table.Add(s.Name, s.TeamName, Format.OrDash(s.Description), Format.OrDash(s.RunbookUrl));
            }
            table.WriteTo(session.Out);
        });
        return command;
    }

    private static Command Create(Globals globals)
    {
        var name = new Argument<string>("NAME") { Description = "The service's name, e.g. checkout-api" };
        var team = new Option<string>("--team") { Description = "The team that owns it (name or id)", HelpName = "TEAM", Required = true };
        var description = new Option<string>("--description") { Description = "What the service does", HelpName = "TEXT" };
        var runbook = new Option<string>("--runbook") { Description = "Where responders find the runbook", HelpName = "URL" };
        var command = new Command("create", "Create a service (admins of the owning team)") { name, team, description, runbook };
        globals.SetAction(command, async (session, parse, cancellationToken) =>
        {
            // The API takes the owning team by id; people name it.
            var owner = (await session.Api.GetAsync($"teams/{ApiClient.Segment(parse.GetRequiredValue(team))}", cancellationToken))
                .Deserialize(CliJson.Default.TeamDto)!;
            var body = new JsonObject
            {
                ["name"] = parse.GetRequiredValue(name),
                ["teamId"] = owner.Id.ToString(),
                ["description"] = parse.GetValue(description),
                ["runbookUrl"] = parse.GetValue(runbook),
            };
            var created = await session.Api.PostAsync("services", body, cancellationToken);
            if (session.Json)
            {
                JsonOutput.Write(session.Out, created);
                return;
            }
            var s = created.Deserialize(CliJson.Default.ServiceDto)!;
            session.Out.WriteLine($"Created service {Table.Clean(s.Name)} for team {Table.Clean(s.TeamName)} ({s.Id}).");
            session.Out.WriteLine($"Give monitoring a key to send alerts with: steady service key create {Quote(s.Name)}");
        });
        return command;
    }

    private static Command Show(Globals globals)
    {
        var name = new Argument<string>("SERVICE") { Description = "The service's name or id" };
        var command = new Command("show", "Show one service") { name };
        globals.SetAction(command, async (session, parse, cancellationToken) =>
        {
            var found = await session.Api.GetAsync($"services/{ApiClient.Segment(parse.GetRequiredValue(name))}", cancellationToken);
            if (session.Json)
            {
                JsonOutput.Write(session.Out, found);
                return;
            }
            var s = found.Deserialize(CliJson.Default.ServiceDto)!;
            new Fields()
                .Add("Name", s.Name)
                .Add("Id", s.Id.ToString())
                .Add("Team", s.TeamName)
                .Add("Description", s.Description)
                .Add("Runbook", s.RunbookUrl)
                .Add("Created", Format.Time(s.CreatedAt))
                .WriteTo(session.Out);
        });
        return command;
    }

    /// <summary>A name as it would be typed back into a shell.</summary>
    internal static string Quote(string name)
    {
        var clean = Table.Clean(name);
        return clean.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/') ? clean : $"'{clean.Replace("'", "'\\''", StringComparison.Ordinal)}'";
    }
}
