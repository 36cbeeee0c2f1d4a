using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Steady.Server.Tests;

/// <summary>
/// The real server as a separate process on a test database, for tests that kill it with SIGKILL and
/// start it again. It listens on port 0 (the kernel's choice, so it cannot collide with another test's
/// receiver or server) and says which port in its log. It keeps the last lines the server wrote, and
/// disposing it always kills the process (a test that fails early leaves nothing running) and writes
/// those lines to the test's output.
/// </summary>
internal sealed partial class ServerProcess : IAsyncDisposable
{
    private const int KeptLines = 400;
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();

    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private HttpClient? _client;

    private ServerProcess(Process process) => _process = process;

    /// <summary>A client for this server (no credentials), once <see cref="WaitReadyAsync"/> returned.</summary>
    public HttpClient Client => _client ?? throw new InvalidOperationException("Wait until the server is ready first.");

    public bool HasExited => _process.HasExited;

    public int Pid => _process.Id;

    public int ExitCode => _process.ExitCode;

    /// <summary>SIGSTOP: the process stalls (its connections stay open, its presence lock held) until <see cref="Continue"/>.</summary>
    public void Stall() => Signal("STOP");

    /// <summary>SIGCONT after <see cref="Stall"/>.</summary>
    public void Continue() => Signal("CONT");

    /// <summary>SIGTERM: what systemd and <c>docker stop</c> send; the server stops cleanly.</summary>
    public void Terminate() => Signal("TERM");

    private void Signal(string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-" + signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))!;
        kill.WaitForExit();
        if (kill.ExitCode != 0)
            throw new InvalidOperationException($"kill -{signal} {_process.Id} failed");
    }

    /// <summary>Waits (bounded) for the process to exit by itself.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan within)
    {
        using var limit = new CancellationTokenSource(within);
        await _process.WaitForExitAsync(limit.Token);
        return _process.ExitCode;
    }

    /// <summary>The last lines the server wrote to stdout and stderr.</summary>
    public string Output => string.Join('\n', _lines);

    public static ServerProcess Start(TestDatabase database, string token, IReadOnlyDictionary<string, string>? settings = null)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Steady.Server.dll"), "--urls", "http://127.0.0.1:0"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = database.Folder,
        };
        start.Environment["Steady__Database__Provider"] = database.Provider;
        start.Environment["Steady__Database__ConnectionString"] = database.ConnectionString;
        start.Environment["Steady__Bootstrap__AdminToken"] = token;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information"; // "Now listening on: ..."
        start.Environment["Logging__Console__FormatterName"] = "simple";
        start.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        start.Environment["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ";
        foreach (var (name, value) in settings ?? new Dictionary<string, string>())
            start.Environment[name] = value;
        var server = new ServerProcess(Process.Start(start)!);
        server._process.OutputDataReceived += (_, e) => server.Keep(e.Data);
        server._process.ErrorDataReceived += (_, e) => server.Keep(e.Data);
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        return server;
    }

    /// <summary>Waits until /readyz answers, from this process: fails at once if the process exited (say, its port was taken).</summary>
    public async Task WaitReadyAsync()
    {
        // Generous: a cold start of a separate .NET process on a busy 2-core machine can take tens of seconds.
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"The server exited with code {_process.ExitCode} before it was ready:\n{Output}");
            try
            {
                if (_listening.Task.IsCompleted)
                {
                    _client ??= new HttpClient { BaseAddress = _listening.Task.Result };
                    if ((await _client.GetAsync("/readyz")).IsSuccessStatusCode)
                        return;
                }
            }
            catch (HttpRequestException)
            {
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"The server did not become ready in 120 s:\n{Output}");
            await Task.Delay(100);
        }
    }

    /// <summary>SIGKILL: no shutdown, no flush; returns once the process is gone.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillAsync();
        }
        catch (InvalidOperationException)
        {
            // never started
        }
        TestContext.Current.TestOutputHelper?.WriteLine($"--- server {_client?.BaseAddress} ---\n{Output}");
        _client?.Dispose();
        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
            return;
        if (ListeningOn().Match(line) is { Success: true } match)
            _listening.TrySetResult(new Uri(match.Groups[1].Value));
        _lines.Enqueue(line);
        while (_lines.Count > KeptLines)
            _lines.TryDequeue(out _);
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningOn();
}
