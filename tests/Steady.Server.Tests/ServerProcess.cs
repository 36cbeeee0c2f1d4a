using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Steady.Server.Tests;

/// <summary>The real server as a separate process on a test database, for tests that kill it with SIGKILL and start it again.</summary>
internal static class ServerProcess
{
    public static Process Start(TestDatabase database, string token, int port, IReadOnlyDictionary<string, string>? settings = null)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Steady.Server.dll"), "--urls", $"http://127.0.0.1:{port}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = database.Folder,
        };
        start.Environment["Steady__Database__Provider"] = database.Provider;
        start.Environment["Steady__Database__ConnectionString"] = database.ConnectionString;
        start.Environment["Steady__Bootstrap__AdminToken"] = token;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (name, value) in settings ?? new Dictionary<string, string>())
            start.Environment[name] = value;
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    public static async Task WaitReadyAsync(HttpClient client)
    {
        // Generous: a cold start of a separate .NET process on a busy 2-core machine can take tens of seconds.
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            try
            {
                if ((await client.GetAsync("/readyz")).IsSuccessStatusCode)
                    return;
            }
            catch (HttpRequestException)
            {
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException("The server did not become ready in 120 s.");
            await Task.Delay(100);
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
