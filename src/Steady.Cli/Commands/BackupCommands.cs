using System.CommandLine;
using System.Text.Json;
using Steady.Cli.Output;

namespace Steady.Cli.Commands;

/// <summary>
/// steady backup | steady backup verify NAME: the server writes a consistent copy of its running database into
/// its backup folder (SQLite VACUUM INTO, PostgreSQL pg_dump -Fc) and checks one (organization admins).
/// </summary>
internal static class BackupCommands
{
    public static Command Build(Globals globals)
    {
        var backup = new Command("backup", "Have the server write a consistent copy of its database into its backup folder (Steady:Backup:Directory), while it runs; organization admins");
        globals.SetAction(backup, async (session, parse, cancellationToken) =>
        {
            var written = await session.Api.PostJsonAsync("backups", "{}", cancellationToken);
            if (session.Json)
            {
                JsonOutput.Write(session.Out, written);
                return;
            }
            session.Out.WriteLine($"Wrote {Table.Clean(written.GetProperty("file").GetString())} ({written.GetProperty("bytes").GetInt64()} bytes, schema version {written.GetProperty("schemaVersion").GetInt32()}).");
        });
        backup.Subcommands.Add(Verify(globals));
        return backup;
    }

    private static Command Verify(Globals globals)
    {
        var name = new Argument<string>("FILE") { Description = "The backup's file name in the server's backup folder, e.g. steady-20261206T210000000Z.db" };
        var command = new Command("verify", "Open a backup and check its integrity, schema version and row counts; exits non-zero when it is not usable") { name };
        globals.SetAction(command, async (session, parse, cancellationToken) =>
        {
            var file = parse.GetRequiredValue(name);
            var check = await session.Api.GetAsync($"backups/{Uri.EscapeDataString(file)}/check", cancellationToken);
            if (session.Json)
                JsonOutput.Write(session.Out, check);
            var integrity = check.GetProperty("integrity").GetString();
            var version = check.GetProperty("schemaVersion").GetInt32();
            var expected = check.GetProperty("expectedSchemaVersion").GetInt32();
            if (!session.Json)
            {
                session.Out.WriteLine($"{Table.Clean(file)}: integrity {Table.Clean(integrity)}, schema version {version} (this server: {expected})");
                foreach (var row in check.GetProperty("rows").EnumerateObject())
                    session.Out.WriteLine($"  {row.Name}: {row.Value.GetInt64()}");
            }
            if (integrity != "ok")
                throw new CliException($"{file} failed its integrity check: {integrity}");
            if (version > expected)
                throw new CliException($"{file} has schema version {version}, newer than this server's {expected}: restore it with a newer Steady");
        });
        return command;
    }
}
