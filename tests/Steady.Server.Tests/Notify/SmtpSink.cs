using System.Diagnostics;
using System.Text.Json;
using MimeKit;

namespace Steady.Server.Tests.Notify;

/// <summary>
/// A real SMTP server on a free loopback port: Debian's aiosmtpd, run by /usr/bin/python3 (the system
/// Python, whose dist-packages hold it). Each accepted message is written to a folder with its
/// envelope. Recipients whose local part starts with "reject" get 550, with "later" 451. With
/// credentials, AUTH is required. Tests skip, saying what to install, where it is missing.
/// </summary>
internal sealed class SmtpSink : IAsyncDisposable
{
    private const string Python = "/usr/bin/python3";

    private const string Script = """
        import json, os, sys, time, warnings
        warnings.simplefilter("ignore")
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult, LoginPassword

        port, folder = int(sys.argv[1]), sys.argv[2]
        credentials = sys.argv[3] if len(sys.argv) > 3 else ""

        class Handler:
            async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
                local = address.split("@")[0]
                if local.startswith("reject"):
                    return "550 5.1.1 No such user here"
                if local.startswith("later"):
                    return "451 4.3.0 Mailbox busy, try again later"
                envelope.rcpt_tos.append(address)
                return "250 OK"

            async def handle_DATA(self, server, session, envelope):
                name = "%020d" % time.time_ns()
                login = session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None
                with open(os.path.join(folder, name + ".json.tmp"), "w") as f:
                    json.dump({"from": envelope.mail_from, "to": envelope.rcpt_tos, "login": login}, f)
                with open(os.path.join(folder, name + ".eml.tmp"), "wb") as f:
                    f.write(envelope.original_content or envelope.content)
                os.rename(os.path.join(folder, name + ".eml.tmp"), os.path.join(folder, name + ".eml"))
                os.rename(os.path.join(folder, name + ".json.tmp"), os.path.join(folder, name + ".json"))
                return "250 2.0.0 Message accepted for delivery"

        def authenticator(server, session, envelope, mechanism, auth_data):
            user, password = credentials.split(":", 1)
            ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user and auth_data.password.decode() == password
            return AuthResult(success=ok, handled=False, auth_data=auth_data)

        options = dict(authenticator=authenticator, auth_required=True, auth_require_tls=False) if credentials else {}
        controller = Controller(Handler(), hostname="127.0.0.1", port=port, **options)
        controller.start()
        print("ready", flush=True)
        sys.stdin.read()
        controller.stop()
        """;

    private static readonly Lazy<Task<string?>> Missing = new(FindMissingAsync);

    private readonly Process _process;
    private readonly DirectoryInfo _folder;

    private SmtpSink(Process process, DirectoryInfo folder, int port)
    {
        _process = process;
        _folder = folder;
        Port = port;
    }

    public int Port { get; }

    public static async Task<SmtpSink> StartAsync(string? credentials = null)
    {
        if (await Missing.Value is { } missing)
            Assert.Skip(missing);
        var folder = Directory.CreateTempSubdirectory("steady-smtp-");
        var script = Path.Combine(folder.FullName, "sink.py");
        await File.WriteAllTextAsync(script, Script);
        var mail = folder.CreateSubdirectory("mail");
        for (var attempt = 1; ; attempt++)
        {
            var port = LoopbackReceiver.FreePort();
            var start = new ProcessStartInfo(Python) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in new[] { script, port.ToString(System.Globalization.CultureInfo.InvariantCulture), mail.FullName, credentials ?? "" })
                start.ArgumentList.Add(argument);
            var process = Process.Start(start)!;
            var errors = process.StandardError.ReadToEndAsync();
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            var line = await process.StandardOutput.ReadLineAsync(wait.Token);
            if (line == "ready")
                return new SmtpSink(process, folder, port);
            process.StandardInput.Close();
            await process.WaitForExitAsync(wait.Token);
            if (attempt == 3)
                throw new InvalidOperationException($"aiosmtpd did not start: {await errors}");
        }
    }

    /// <summary>The messages received so far, oldest first, each with its envelope.</summary>
    public IReadOnlyList<ReceivedMail> Received() =>
        Directory.GetFiles(Path.Combine(_folder.FullName, "mail"), "*.json").Order(StringComparer.Ordinal)
            .Select(json =>
            {
                using var envelope = JsonDocument.Parse(File.ReadAllText(json));
                var root = envelope.RootElement;
                return new ReceivedMail(
                    MimeMessage.Load(Path.ChangeExtension(json, ".eml")),
                    root.GetProperty("from").GetString()!,
                    root.GetProperty("to").EnumerateArray().Select(t => t.GetString()!).ToList(),
                    root.GetProperty("login").GetString());
            })
            .ToList();

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill();
        }
        _process.Dispose();
        _folder.Delete(recursive: true);
    }

    private static async Task<string?> FindMissingAsync()
    {
        if (!File.Exists(Python))
            return $"{Python} is missing: the SMTP tests run Debian's aiosmtpd with it (apt-get install python3 python3-aiosmtpd).";
        var check = new ProcessStartInfo(Python, ["-c", "import aiosmtpd"]) { RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(check)!;
        await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? null : "aiosmtpd is missing: the SMTP tests need a real SMTP server (apt-get install python3-aiosmtpd).";
    }
}

internal sealed record ReceivedMail(MimeMessage Message, string MailFrom, IReadOnlyList<string> RcptTo, string? Login);
