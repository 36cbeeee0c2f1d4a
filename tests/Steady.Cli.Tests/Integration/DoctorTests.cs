using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Steady.Cli.Tests.Integration;

/// <summary>steady doctor against a real server: a sound installation passes line by line; a broken one fails and says where.</summary>
public sealed class DoctorTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ASoundInstallationPassesEveryCheckOnOneLineEach()
    {
        var smtpPort = FreePort();
        using var smtp = StartSmtp(smtpPort);
        var port = FreePort();
        await using var server = new SteadyServer
        {
            Settings = new Dictionary<string, string>
            {
            ["Steady:Smtp:Host"] = "127.0.0.1",
            ["Steady:Smtp:Port"] = smtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Steady:Smtp:Security"] = "none",
            ["Steady:PublicUrl"] = $"http://127.0.0.1:{port}",
            },
            Port = port,
        };
        await server.InitializeAsync();
        using var person = AlertPeople.Responder(server);
        await WaitForSmtpAsync(smtpPort);
        (await person.RunAsync("backup")).Succeeded();

        var result = (await person.RunAsync("doctor")).Succeeded();

        var lines = result.Lines();
        Assert.All(lines, l => Assert.True(l.Length <= 80, l));
        Assert.Equal(["server", "database", "schema", "clock", "channels", "workers", "smtp", "public-url", "disk", "backup"], lines.Select(l => l[5..].Split(' ')[0]));
        Assert.All(lines, l => Assert.StartsWith("ok ", l, StringComparison.Ordinal));
        Assert.Contains($"ok   smtp       127.0.0.1:{smtpPort} answered EHLO", lines);
        Assert.Contains($"ok   public-url http://127.0.0.1:{port} answers", lines);
        Assert.Matches(@"^ok   backup     last good 0 min ago, \d+(\.\d)? (B|KB|MB)$", lines[^1]); // MB and GB with one decimal
    }

    [Fact]
    public async Task ABrokenInstallationFailsNamingWhatIsWrong()
    {
        var closed = FreePort();
        await using var server = new SteadyServer
        {
            Settings = new Dictionary<string, string>
            {
            ["Steady:Smtp:Host"] = "127.0.0.1",
            ["Steady:Smtp:Port"] = closed.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Steady:Smtp:Security"] = "none",
            ["Steady:PublicUrl"] = $"http://127.0.0.1:{closed}",
            },
        };
        await server.InitializeAsync();
        using var person = AlertPeople.Responder(server);

        var result = await person.RunAsync("doctor");

        Assert.Equal(ExitCodes.Error, result.ExitCode);
        var lines = result.Lines();
        Assert.Contains(lines, l => l.StartsWith($"FAIL smtp       127.0.0.1:{closed}: ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith($"FAIL public-url http://127.0.0.1:{closed}: ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("warn backup     no backup yet", StringComparison.Ordinal));
        Assert.Contains("ok   database   sqlite reachable", lines);

        // Nobody there at all: one line, and a failure.
        person.Environment["STEADY_SERVER"] = $"http://127.0.0.1:{closed}";
        var nobody = await person.RunAsync("doctor");
        Assert.Equal(ExitCodes.Error, nobody.ExitCode);
        Assert.StartsWith($"FAIL server     cannot reach http://127.0.0.1:{closed}", Assert.Single(nobody.Lines()), StringComparison.Ordinal);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Debian's aiosmtpd on a loopback port, as the server's SMTP tests run it.</summary>
    private static ProcessHandle StartSmtp(int port) =>
        new(Process.Start(new ProcessStartInfo("/usr/bin/python3", ["-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{port}"]) { UseShellExecute = false, RedirectStandardError = true })!);

    private static async Task WaitForSmtpAsync(int port)
    {
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port, Cancel);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100, Cancel);
            }
        }
        throw new InvalidOperationException("aiosmtpd did not start");
    }

    private sealed class ProcessHandle(Process process) : IDisposable
    {
        public void Dispose()
        {
            process.Kill();
            process.WaitForExit();
            process.Dispose();
        }
    }
}
