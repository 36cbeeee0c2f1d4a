using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Steady.Cli.Output;

namespace Steady.Cli.Commands;

/// <summary>steady team list | create.</summary>
internal static class TeamCommands
{
    public static Command Build(Globals globals)
    {
        var team = new Command("team", "Teams own services, schedules and escalation policies");
        team.Subcommands.Add(List(globals));
        team.Subcommands.Add(Create(globals));
        return team;
    }

    private static Command List(Globals globals)
    {
        var command = new Command("list", "List all teams");
        globals.SetAction(command, async (session, parse, cancellationToken) =>
        {
            var items = await session.Api.GetAllAsync("teams", cancellationToken);
            if (session.Json)
            {
                JsonOutput.Write(session.Out, items);
                return;
            }
            if (items.Count == 0)
            {
                session.Out.WriteLine("No teams yet. Create one with 'steady team create NAME'.");
                return;
            }
            var table = new Table("Name", "Description", "Created").Limit(1, 60);
            foreach (var item in items)
            {
                var t = item.Deserialize(CliJson.Default.TeamDto)!;
                table.Add(t.Name, Format.OrDash(t.Description), Format.Time(t.CreatedAt));
            }
            table.WriteTo(session.Out);
        });
        return command;
    }

    private static Command Create(Globals globals)
    {
        var name = new Argument<string>("NAME") { Description = "The team's name, e.g. payments" };
        var description = new Option<string>("--description") { Description = "What the team does", HelpName = "TEXT" };
        var command = new Command("create", "Create a team (organization admins)") { name, description };
        globals.SetAction(command, async (session, parse, cancellationToken) =>
        {
            var body = new JsonObject { ["name"] = parse.GetRequiredValue(name), ["description"] = parse.GetValue(description) };
            var created = await session.Api.PostAsync("teams", body, cancellationToken);
            if (session.Json)
            {
                JsonOutput.Write(session.Out, created);
                return;
            }
            var t = created.Deserialize(CliJson.Default.TeamDto)!;
            session.Out.WriteLine($"Created team {Table.Clean(t.Name)} ({t.Id}).");
        });
        return command;
    }
}
