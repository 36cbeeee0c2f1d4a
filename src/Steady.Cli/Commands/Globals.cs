using System.CommandLine;
using Steady.Cli.Api;
using Steady.Cli.Config;

namespace Steady.Cli.Commands;

/// <summary>The options every command takes, and the one way a command starts talking to the server.</summary>
internal sealed class Globals(CliContext context)
{
    public CliContext Context { get; } = context;

    public Option<string> Server { get; } = new("--server")
    {
        Description = "The Steady server's URL (else STEADY_SERVER, else the one 'steady login' saved, else http://127.0.0.1:8080)",
        HelpName = "URL",
        Recursive = true,
    };

    public Option<string> Token { get; } = new("--token")
    {
        Description = "An API token (else STEADY_TOKEN, else the one 'steady login' saved)",
        HelpName = "TOKEN",
        Recursive = true,
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Print the server's JSON instead of a table (lists as one array)",
        Recursive = true,
    };

    public string ConfigPath => ConfigFile.PathFor(Context.Environment);

    /// <summary>Settings for this run: flags, then environment, then the config file.</summary>
    public Connection Resolve(ParseResult parse, StoredConfig? stored = null) =>
        Connection.Resolve(parse.GetValue(Server), parse.GetValue(Token), Context.Environment, stored ?? ConfigFile.Load(ConfigPath), ConfigPath);

    /// <summary>Runs a command that needs the server and a token.</summary>
    public void SetAction(Command command, Func<Session, ParseResult, CancellationToken, Task> action) =>
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var session = Open(parse);
            await action(session, parse, cancellationToken);
            return ExitCodes.Ok;
        });

    /// <summary>The connection a command needs: the server and a token, or a one-line reason to run `steady login`.</summary>
    internal Session Open(ParseResult parse)
    {
        var path = ConfigPath;
        var stored = ConfigFile.Load(path);
        var connection = Resolve(parse, stored);
        if (connection.Token is null)
        {
            var hint = string.IsNullOrEmpty(stored.Token) || string.IsNullOrEmpty(stored.Server)
                ? ""
                : $" (the saved token is for {stored.Server})";
            throw new CliException(
                $"no API token for {connection.Server}{hint}: run 'steady login{(connection.ServerSource == "--server" ? $" --server {connection.Server}" : "")}', or set STEADY_TOKEN",
                ExitCodes.Auth);
        }
        return new Session(connection, new ApiClient(connection), parse.GetValue(Json), Context.Out, Context.Time);
    }
}

/// <summary>One command's connection to the server and how it should print.</summary>
internal sealed class Session(Connection connection, ApiClient api, bool json, TextWriter output, TimeProvider time) : IDisposable
{
    public Connection Connection { get; } = connection;

    public ApiClient Api { get; } = api;

    /// <summary>Print the server's JSON (--json) rather than human output.</summary>
    public bool Json { get; } = json;

    public TextWriter Out { get; } = output;

    public TimeProvider Time { get; } = time;

    public DateTimeOffset Now => Time.GetUtcNow();

    public void Dispose() => Api.Dispose();
}
