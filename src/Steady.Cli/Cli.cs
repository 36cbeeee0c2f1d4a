using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using Steady.Cli.Api;
using Steady.Cli.Commands;

namespace Steady.Cli;

/// <summary>
/// The `steady` command: parses, runs one command, and turns every failure into one
/// "steady: ..." line on stderr and an exit code (see <see cref="ExitCodes"/>).
/// </summary>
public static class Cli
{
    private const string Description = """
        steady: the command-line client for a Steady incident-response server.

        Where it connects: --server and --token, else STEADY_SERVER and STEADY_TOKEN, else what
        'steady login' saved in $XDG_CONFIG_HOME/steady/config.json (~/.config/steady/config.json),
        else http://127.0.0.1:8080. Output is tables for people; --json prints the server's JSON.

        Exit codes: 0 done; 1 the request failed (server unreachable, not found, conflict,
        forbidden, invalid); 2 the command line is wrong; 3 'steady freeze check': frozen, hold;
        4 no token, or the server refused it (run 'steady login').
        """;

    /// <summary>Runs `steady` with these arguments, writing to these streams, seeing only this environment.</summary>
    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, IReadOnlyDictionary<string, string?> environment, Func<string, string?>? readSecret = null, CancellationToken cancellationToken = default) =>
        RunAsync(args, new CliContext(stdout, stderr, environment, readSecret ?? Terminal.ReadSecret), cancellationToken);

    public static async Task<int> RunAsync(string[] args, CliContext context, CancellationToken cancellationToken = default)
    {
        Output.Table.Width = context.Width;
        var root = Build(context);
        var parse = root.Parse(args);
        var invocation = new InvocationConfiguration
        {
            Output = context.Out,
            Error = context.Error,
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = null,
        };
        if (parse.Action is ParseErrorAction)
        {
            // `steady service` alone: show what it can do rather than an error.
            if (IsMissingSubcommand(parse))
            {
                await root.Parse([.. CommandPath(parse), "--help"]).InvokeAsync(invocation, cancellationToken);
                return ExitCodes.Usage;
            }
            var help = string.Join(' ', ["steady", .. CommandPath(parse), "--help"]);
            // An unknown word says more than the "required command" error it also causes.
            var error = parse.Errors.FirstOrDefault(e => parse.UnmatchedTokens.Any(t => e.Message.Contains($"'{t}'", StringComparison.Ordinal))) ?? parse.Errors[0];
            await context.Error.WriteLineAsync($"steady: {ProblemMessage.OneLine(error.Message)} See '{help}'.");
            return ExitCodes.Usage;
        }
        try
        {
            return await parse.InvokeAsync(invocation, cancellationToken);
        }
        catch (CliException e)
        {
            await context.Error.WriteLineAsync($"steady: {ProblemMessage.OneLine(e.Message)}");
            return e.ExitCode;
        }
        catch (ApiProblem problem)
        {
            await context.Error.WriteLineAsync($"steady: {ProblemMessage.Describe(problem)}");
            return problem.Status == 401 ? ExitCodes.Auth : ExitCodes.Error;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await context.Error.WriteLineAsync("steady: interrupted");
            return 130;
        }
        catch (Exception e)
        {
            await context.Error.WriteLineAsync($"steady: unexpected error ({e.GetType().Name}): {ProblemMessage.OneLine(e.Message)}");
            return ExitCodes.Error;
        }
    }

    internal static RootCommand Build(CliContext context)
    {
        var globals = new Globals(context);
        var root = new RootCommand(Description) { HelpName = "steady" };
        root.Options.Add(globals.Server);
        root.Options.Add(globals.Token);
        root.Options.Add(globals.Json);
        foreach (var command in AccountCommands.Build(globals))
            root.Subcommands.Add(command);
        root.Subcommands.Add(TeamCommands.Build(globals));
        root.Subcommands.Add(ServiceCommands.Build(globals));
        root.Subcommands.Add(TokenCommands.Build(globals));
        root.Subcommands.Add(SecretCommands.Build(globals));
        root.Subcommands.Add(BackupCommands.Build(globals));
        root.Subcommands.Add(RestoreCommand.Build(globals));
        root.Subcommands.Add(DoctorCommand.Build(globals));
        root.Subcommands.Add(AlertCommands.Build(globals));
        root.Subcommands.Add(SilenceCommands.Build(globals));
        root.Subcommands.Add(MaintenanceCommands.Build(globals));
        root.Subcommands.Add(OnCallCommands.OnCall(globals));
        root.Subcommands.Add(OnCallCommands.Schedule(globals));
        root.Subcommands.Add(PolicyCommands.Policy(globals));
        root.Subcommands.Add(ConfigCommands.Apply(globals));
        root.Subcommands.Add(ConfigCommands.Export(globals));
        root.Subcommands.Add(ImportCommands.Build(globals));
        root.Subcommands.Add(SnapshotCommand.Build(globals));
        root.Subcommands.Add(IncidentCommands.Build(globals));
        root.Subcommands.Add(PostmortemCommands.Build(globals));
        root.Subcommands.Add(ActionItemCommands.Build(globals));
        root.Subcommands.Add(ChangeCommands.Build(globals));
        root.Subcommands.Add(ChangeCommands.BuildFreeze(globals));
        root.Subcommands.Add(TimelineCommands.Build(globals));
        root.Subcommands.Add(AgentCommand.Build(globals));
        root.Subcommands.Add(StatusCommands.Build(globals));
        root.Subcommands.Add(ReportCommands.Build(globals));
        return root;
    }

    private static bool IsMissingSubcommand(ParseResult parse) =>
        parse.Errors.Count == 1 && parse.UnmatchedTokens.Count == 0
        && parse.CommandResult.Command is { Action: null, Subcommands.Count: > 0 };

    /// <summary>The words naming the command that was parsed, without the root: ["service", "key", "create"].</summary>
    private static List<string> CommandPath(ParseResult parse)
    {
        var path = new List<string>();
        for (var result = parse.CommandResult; result.Parent is CommandResult parent; result = parent)
            path.Insert(0, result.Command.Name);
        return path;
    }
}
