using System.CommandLine;
using Steady.Agent;
using Steady.Cli.Output;

namespace Steady.Cli.Commands;

/// <summary>
/// steady agent: runs on a host (deploy/steady-agent.service), sends heartbeats and raises and
/// resolves alerts from local checks through its service's intake; --once runs one round and shows it.
/// </summary>
internal static class AgentCommand
{
    public const string DefaultConfig = "/etc/steady/agent.yaml";

    public static Command Build(Globals globals)
    {
        var config = new Option<string>("--config") { Description = $"The agent's YAML config (default {DefaultConfig})", HelpName = "FILE", DefaultValueFactory = _ => DefaultConfig };
        var once = new Option<bool>("--once") { Description = "Run the checks once, send, show what they found, and exit (1 when the server could not be reached)" };
        var command = new Command("agent", "Run on a host: heartbeats to its service, and alerts raised and resolved from local checks (failed units, filesystems, memory pressure, OOM kills, journal bursts, HTTP health); keeps working while the server is away")
        {
            config, once,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var context = globals.Context;
            var path = parse.GetValue(config)!;
            string yaml;
            try
            {
                yaml = await File.ReadAllTextAsync(path, cancellationToken);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CliException($"cannot read the agent config {path}: {e.Message}", ExitCodes.Usage);
            }
            AgentConfig settings;
            try
            {
                settings = AgentConfigReader.Read(yaml, path, context.Environment);
            }
            catch (AgentConfigException e)
            {
                throw new CliException(e.Message, ExitCodes.Usage);
            }
            if (parse.GetValue(globals.Server) is { } server)
            {
                settings = Uri.TryCreate(server.TrimEnd('/'), UriKind.Absolute, out var uri) ? settings with { Server = uri } : throw new CliException($"--server '{server}' is not a URL", ExitCodes.Usage);
            }

            using var agent = new Agent.Agent(settings, new AgentOptions { Time = context.Time, Log = parse.GetValue(once) ? TextWriter.Null : context.Error });
            if (!parse.GetValue(once))
            {
                await agent.RunAsync(cancellationToken);
                return ExitCodes.Ok;
            }
            await agent.RunOnceAsync(cancellationToken);
            var table = new Table("CHECK", "TYPE", "STATUS", "DETAIL").Limit(3, 140);
            foreach (var status in agent.LastRun)
            {
                if (status.Failing.Count == 0)
                    table.Add(status.Check, status.Type, status.Note is null ? "ok" : "unknown", status.Note ?? "-");
                foreach (var failing in status.Failing)
                    table.Add(status.Check, status.Type, "failing", failing.Summary);
            }
            if (table.Count > 0)
                table.WriteTo(context.Out);
            else
                context.Out.WriteLine("No checks configured: only the heartbeat is sent.");
            if (agent.Outbox.Count > 0)
            {
                throw new CliException($"{agent.LastSendError}; {agent.Outbox.Count} waiting{(settings.StatePath is null ? "" : $" in {settings.StatePath} for the next run")}");
            }
            context.Out.WriteLine($"Sent to {settings.Server}: heartbeat '{settings.HeartbeatName}'{(agent.Firing.Count == 0 ? ", nothing firing" : $", {agent.Firing.Count} firing")}.");
            return ExitCodes.Ok;
        });
        return command;
    }
}
