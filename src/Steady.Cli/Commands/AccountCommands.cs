using System.CommandLine;
using System.Text.Json;
using Steady.Cli.Api;
using Steady.Cli.Config;
using Steady.Cli.Output;

namespace Steady.Cli.Commands;

/// <summary>login, logout, whoami: who the CLI acts as, and where that is remembered.</summary>
internal static class AccountCommands
{
    public static IEnumerable<Command> Build(Globals globals) => [Login(globals), Logout(globals), WhoAmI(globals)];

    private static Command Login(Globals globals)
    {
        var command = new Command("login", "Check an API token with the server, then save both for later commands; without --token (or STEADY_TOKEN) it asks for the token and does not echo it");
        command.SetAction(async (parse, cancellationToken) =>
        {
            var context = globals.Context;
            var path = globals.ConfigPath;
            // A saved token is what login replaces, never what it checks; a damaged file is what it repairs.
            StoredConfig stored;
            try
            {
                stored = ConfigFile.Load(path) with { Token = null };
            }
            catch (CliException)
            {
                stored = StoredConfig.Empty;
            }
            var connection = globals.Resolve(parse, stored);
            if (connection.Token is null)
            {
                var typed = context.ReadSecret($"API token for {connection.Server}: ")?.Trim();
                if (string.IsNullOrEmpty(typed))
                    throw new CliException("no token given: create one in the console under Tokens (or with 'steady token create'), then run 'steady login' again", ExitCodes.Auth);
                connection = connection with { Token = typed, TokenSource = "the prompt" };
            }

            JsonElement me;
            using (var api = new ApiClient(connection))
            {
                try
                {
                    me = await api.GetAsync("me", cancellationToken);
                }
                catch (ApiProblem problem) when (problem.Status == 401)
                {
                    var why = ProblemMessage.OneLine(problem.Detail)?.TrimEnd('.');
                    throw new CliException($"{connection.Server} refused the token{(why is null ? "" : $" ({why})")}; nothing was saved", ExitCodes.Auth);
                }
            }
            ConfigFile.Save(path, new StoredConfig(connection.Server, connection.Token));

            if (parse.GetValue(globals.Json))
            {
                JsonOutput.Write(context.Out, me);
                return ExitCodes.Ok;
            }
            var user = me.Deserialize(CliJson.Default.MeDto)!.User;
            context.Out.WriteLine($"Logged in to {connection.Server} as {Table.Clean(user.Name)} <{Table.Clean(user.Email)}>.");
            context.Out.WriteLine($"The token is saved in {path}.");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Logout(Globals globals)
    {
        var command = new Command("logout", "Forget the saved token (the token stays valid on the server: revoke it with 'steady token revoke')");
        command.SetAction(parse =>
        {
            var context = globals.Context;
            var path = globals.ConfigPath;
            var stored = ConfigFile.Load(path);
            if (string.IsNullOrEmpty(stored.Token))
            {
                context.Out.WriteLine($"Not logged in: no token is saved in {path}.");
            }
            else
            {
                ConfigFile.Save(path, stored with { Token = null });
                context.Out.WriteLine($"Logged out of {stored.Server ?? Connection.DefaultServer}: removed the token from {path}.");
            }
            if (!string.IsNullOrEmpty(context.Environment.GetValueOrDefault("STEADY_TOKEN")))
                context.Out.WriteLine("STEADY_TOKEN is still set in this environment, and commands will use it.");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command WhoAmI(Globals globals)
    {
        var command = new Command("whoami", "Show who the token belongs to, and their teams");
        globals.SetAction(command, async (session, parse, cancellationToken) =>
        {
            var me = await session.Api.GetAsync("me", cancellationToken);
            if (session.Json)
            {
                JsonOutput.Write(session.Out, me);
                return;
            }
            var dto = me.Deserialize(CliJson.Default.MeDto)!;
            var teams = dto.Teams.Count == 0 ? "none" : string.Join(", ", dto.Teams.Select(t => $"{t.TeamName} ({t.Role})"));
            new Fields()
                .Add("Name", dto.User.Name)
                .Add("Email", dto.User.Email)
                .Add("Role", dto.User.IsAdmin ? "organization admin" : "member")
                .Add("Teams", teams)
                .Add("Time zone", dto.User.TimeZone)
                .Add("Server", session.Connection.Server)
                .WriteTo(session.Out);
        });
        return command;
    }
}
