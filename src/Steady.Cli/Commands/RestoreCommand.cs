using System.CommandLine;
using System.Diagnostics;

namespace Steady.Cli.Commands;

/// <summary>
/// steady restore FILE [--force]: puts a backup back, with the server stopped. Restoring needs what only the server has
/// — its own database settings, data directory, secrets key file and schema — so this command does not restore by
/// itself: it finds the server binary on this host and runs its <c>restore</c> verb (<c>Steady.Server restore FILE
/// [--force]</c>) with this process's environment, passing its output and exit code through. Where it looks:
/// <c>--server-binary</c>, else <c>STEADY_SERVER_BINARY</c>, else beside this binary, else the Debian package's
/// <c>/usr/lib/steady/server</c> (whose settings, <c>/etc/steady/steady.env</c>, are read as steady.service reads them),
/// else a source checkout's build. Not a client of the API: no token, no server running.
/// </summary>
internal static class RestoreCommand
{
    public const string BinaryVariable = "STEADY_SERVER_BINARY";

    /// <summary>Where the Debian package installs the server, and the settings its unit reads.</summary>
    public const string InstalledServer = "/usr/lib/steady/server";

    public const string InstalledSettings = "/etc/steady/steady.env";

    private const string ServerDll = "Steady.Server.dll";

    public static Command Build(Globals globals)
    {
        var file = new Argument<string>("FILE") { Description = "The backup file (steady-….db or steady-….dump), a path on this host" };
        var force = new Option<bool>("--force") { Description = "Replace a database that holds data (SQLite: the replaced files are kept beside it)" };
        var binary = new Option<string>("--server-binary")
        {
            Description = $"The Steady server to restore with (its Steady.Server or its folder; else {BinaryVariable}, else beside steady, else {InstalledServer})",
            HelpName = "PATH",
        };
        var settings = new Option<string>("--env-file")
        {
            Description = $"Read the server's settings (Steady__Section__Key=value lines) from this file; variables already set win (default with the installed server: {InstalledSettings})",
            HelpName = "PATH",
        };
        var command = new Command("restore", "Restore a backup into the database the server's own settings name (Steady:Database:*), with every node stopped; refuses a database that holds data without --force. Runs on the server's host, through its binary")
        {
            file, force, binary, settings,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var context = globals.Context;
            var server = FindServer(parse.GetValue(binary), context.Environment);
            var envFile = parse.GetValue(settings) ?? (server.Installed && File.Exists(InstalledSettings) ? InstalledSettings : null);
            var start = server.StartInfo();
            start.ArgumentList.Add("restore");
            start.ArgumentList.Add(Path.GetFullPath(parse.GetRequiredValue(file)));
            if (parse.GetValue(force))
                start.ArgumentList.Add("--force");
            if (envFile is not null)
            {
                foreach (var (name, value) in ReadSettings(envFile))
                {
                    if (!start.Environment.ContainsKey(name))
                        start.Environment[name] = value;
                }
            }
            return await RunAsync(start, context, cancellationToken);
        });
        return command;
    }

    /// <summary>The server binary to run: its folder, and whether it is the Debian package's.</summary>
    internal sealed record Server(string Folder, bool Installed)
    {
        /// <summary>Runs the server's own launcher when it has one (it finds the .NET runtime as steady.service does), else <c>dotnet Steady.Server.dll</c>.</summary>
        public ProcessStartInfo StartInfo()
        {
            var launcher = Path.Combine(Folder, "Steady.Server");
            var start = File.Exists(launcher) && !OperatingSystem.IsWindows()
                ? new ProcessStartInfo(launcher)
                : new ProcessStartInfo(OperatingSystem.IsWindows() && File.Exists(launcher + ".exe") ? launcher + ".exe" : "dotnet");
            if (start.FileName == "dotnet")
                start.ArgumentList.Add(Path.Combine(Folder, ServerDll));
            start.UseShellExecute = false;
            start.RedirectStandardOutput = true;
            start.RedirectStandardError = true;
            return start;
        }
    }

    internal static Server FindServer(string? given, IReadOnlyDictionary<string, string?> environment)
    {
        if (!string.IsNullOrWhiteSpace(given))
            return Named(given, "--server-binary");
        if (environment.TryGetValue(BinaryVariable, out var fromEnvironment) && !string.IsNullOrWhiteSpace(fromEnvironment))
            return Named(fromEnvironment, BinaryVariable);
        var here = AppContext.BaseDirectory;
        var build = new DirectoryInfo(here);
        string[] candidates =
        [
            here,                                                   // published together into one folder
            Path.Combine(here, "..", "server"),                     // the Debian package: /usr/lib/steady/cli and /usr/lib/steady/server
            InstalledServer,
            // A source checkout after `dotnet build`: src/Steady.Cli/bin/Debug/net10.0 beside src/Steady.Server/bin/Debug/net10.0.
            Path.Combine(here, "..", "..", "..", "..", "Steady.Server", "bin", build.Parent?.Name ?? "Debug", build.Name),
        ];
        foreach (var candidate in candidates.Select(Path.GetFullPath))
        {
            if (File.Exists(Path.Combine(candidate, ServerDll)))
                return new Server(candidate, IsInstalled(candidate));
        }
        throw new CliException($"steady restore runs the Steady server's own restore, but no Steady server was found beside {Path.TrimEndingDirectorySeparator(here)} or in {InstalledServer}: give --server-binary PATH (or {BinaryVariable}), or run 'Steady.Server restore FILE' where the server is installed.");
    }

    private static Server Named(string path, string by)
    {
        var full = Path.GetFullPath(path);
        var folder = Directory.Exists(full) ? full : Path.GetDirectoryName(full)!;
        if ((Directory.Exists(full) || File.Exists(full)) && File.Exists(Path.Combine(folder, ServerDll)))
            return new Server(folder, IsInstalled(folder));
        throw new CliException($"{by} names {path}, which is not a Steady server (no {ServerDll} there): give the server's Steady.Server or its folder.");
    }

    private static bool IsInstalled(string folder) =>
        string.Equals(Path.TrimEndingDirectorySeparator(folder), InstalledServer, StringComparison.Ordinal);

    /// <summary>KEY=value lines as systemd's EnvironmentFile reads them: blank lines and #-comments skipped, optional quotes.</summary>
    internal static IEnumerable<(string Name, string Value)> ReadSettings(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"Cannot read the server's settings from {path}: {e.Message}");
        }
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';')
                continue;
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
                continue;
            var value = line[(equals + 1)..].Trim();
            if (value.Length >= 2 && value[0] == value[^1] && value[0] is '"' or '\'')
                value = value[1..^1];
            yield return (line[..equals].Trim(), value);
        }
    }

    /// <summary>Runs the server's restore, copying its output and errors through; its exit code is this command's.</summary>
    private static async Task<int> RunAsync(ProcessStartInfo start, CliContext context, CancellationToken cancellationToken)
    {
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new CliException($"{start.FileName} did not start.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new CliException($"Could not run {start.FileName} ({e.Message}): is the .NET runtime installed?");
        }
        using (process)
        {
            var output = CopyAsync(process.StandardOutput, context.Out, cancellationToken);
            var error = CopyAsync(process.StandardError, context.Error, cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            await Task.WhenAll(output, error);
            return process.ExitCode;
        }
    }

    private static async Task CopyAsync(StreamReader from, TextWriter to, CancellationToken cancellationToken)
    {
        while (await from.ReadLineAsync(cancellationToken) is { } line)
            await to.WriteLineAsync(line);
        await to.FlushAsync(cancellationToken);
    }
}
