using System.Diagnostics;
using System.Globalization;
using Steady.Server.Tests.Notify;

namespace Steady.Server.Tests.Faults;

/// <summary>
/// A PostgreSQL server of the test's own (Debian's binaries, a cluster in a temp folder, a free loopback port), to be
/// stopped and started again under load without touching the server the rest of the suite shares. As root it runs
/// as the postgres user (PostgreSQL refuses root). <see cref="Missing"/> says why it cannot run here, if it cannot.
/// </summary>
internal sealed class PrivatePostgres : IAsyncDisposable
{
    private readonly string _bin;
    private readonly string _folder;

    private PrivatePostgres(string bin, string folder, int port)
    {
        _bin = bin;
        _folder = folder;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=true;Maximum Pool Size=20";

    private static string? Bin => Directory.Exists("/usr/lib/postgresql")
        ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(b => File.Exists(Path.Combine(b, "initdb")))
            .OrderBy(b => b, StringComparer.Ordinal).LastOrDefault()
        : null;

    private static bool IsRoot => Environment.UserName == "root";

    /// <summary>Why a private PostgreSQL cannot run here, or null.</summary>
    public static string? Missing => Bin is null ? "PostgreSQL's binaries (Debian package postgresql) are not installed" : null;

    public static async Task<PrivatePostgres> StartAsync()
    {
        var bin = Bin ?? throw new InvalidOperationException(Missing);
        var folder = Directory.CreateTempSubdirectory("steady-pg-").FullName;
        if (IsRoot)
            await RunAsync("chown", "postgres:postgres", folder);
        var postgres = new PrivatePostgres(bin, folder, LoopbackReceiver.FreePort());
        await postgres.AsPostgresAsync(Path.Combine(bin, "initdb"), "-D", Path.Combine(folder, "data"), "-A", "trust", "-U", "postgres", "-E", "UTF8");
        await postgres.StartAgainAsync();
        return postgres;
    }

    /// <summary>Stops the server as an operator would (fast: sessions are ended, new connections refused).</summary>
    public Task StopAsync() => AsPostgresAsync(Path.Combine(_bin, "pg_ctl"), "-D", Path.Combine(_folder, "data"), "-m", "fast", "-w", "stop");

    public Task StartAgainAsync() => AsPostgresAsync(Path.Combine(_bin, "pg_ctl"), "-D", Path.Combine(_folder, "data"), "-l", Path.Combine(_folder, "postgres.log"), "-w", "-t", "60",
        "-o", $"-p {Port.ToString(CultureInfo.InvariantCulture)} -k {_folder} -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off", "start");

    private Task AsPostgresAsync(string program, params string[] arguments) =>
        IsRoot ? RunAsync("runuser", ["-u", "postgres", "--", program, .. arguments]) : RunAsync(program, arguments);

    private static async Task RunAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await output}{await error}");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await AsPostgresAsync(Path.Combine(_bin, "pg_ctl"), "-D", Path.Combine(_folder, "data"), "-m", "immediate", "stop");
        }
        catch (InvalidOperationException)
        {
            // already stopped
        }
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
