using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Data.Sqlite;
using Steady.Server.Tests.Notify;
using Steady.Server.Tests.Paging;

namespace Steady.Server.Tests.Faults;

/// <summary>
/// SQLite on a disk that fills up (a small tmpfs of the test's own, under the server as a real process): intake and API
/// writes answer 503 with Retry-After, never 500; <c>/readyz</c> says the disk is full; when space returns the server
/// takes alerts and pages again by itself, and the database is intact.
/// </summary>
public sealed class FullDiskTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task OnAFullDiskWritesAnswer503ReadyzSaysWhyAndWhenSpaceReturnsTheServerGoesOnByItselfWithItsDatabaseIntact()
    {
        Assert.SkipWhen(TestDatabase.UsePostgres, "The full disk is SQLite's (PostgreSQL's outage is DatabaseOutageTests).");
        var folder = Directory.CreateTempSubdirectory("steady-disk-").FullName;
        var mounted = await RunAsync("mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", folder) == 0;
        Assert.SkipUnless(mounted, "Mounting a small tmpfs needs root (CAP_SYS_ADMIN).");
        try
        {
            await using var database = TestDatabase.SqliteIn(folder);
            using var hooks = new LoopbackReceiver();
            await using var server = ServerProcess.Start(database, Cluster.Token, new Dictionary<string, string>
            {
                ["Steady__Intake__RequestsPerSecondPerKey"] = "0",
                ["Steady__Paging__BundleWindow"] = "00:00:00",
                ["Steady__Paging__ThrottlePerMinute"] = "0",
            });
            await server.WaitReadyAsync();
            HttpClient Anonymous() => new() { BaseAddress = server.Client.BaseAddress };
            HttpClient Admin()
            {
                var client = Anonymous();
                client.DefaultRequestHeaders.Authorization = new("Bearer", Cluster.Token);
                return client;
            }
            var world = await PagingWorld.CreateAsync(Admin, Anonymous, hooks);
            await world.FireAsync("BeforeTheDiskFilled");
            await PagingWorld.EventuallyAsync(() => hooks.Requests.Count == 1, "the first page");

            // The disk fills up (another program's file takes what is left).
            var filler = Path.Combine(folder, "filler");
            Fill(filler);
            var accepted = new List<string>();
            var statuses = new List<HttpStatusCode>();
            HttpResponseMessage? refusal = null;
            for (var i = 0; i < 300 && refusal is null; i++)
            {
                var name = $"OnAFullDisk{i}";
                var response = await world.PostFiringAsync(Anonymous(), "{}:{alertname=\"" + name + "\"}", (name, "f-" + name, "critical", "api-1:9100"));
                statuses.Add(response.StatusCode);
                if (response.StatusCode == HttpStatusCode.Accepted)
                    accepted.Add(name);
                else if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                    refusal = response;
            }
            Assert.All(statuses, s => Assert.True(s is HttpStatusCode.Accepted or HttpStatusCode.ServiceUnavailable, $"intake answered {(int)s}"));
            Assert.True(refusal is not null, "intake never ran out of space");
            Assert.NotNull(refusal.Headers.RetryAfter);
            // The failed batch's rollback and a WAL checkpoint may hand a few pages back meanwhile: take them too.
            var more = Path.Combine(folder, "filler-more");
            Fill(more);
            // An API write that fits in the WAL's room (a checkpointed WAL is rewritten from its start) is stored; one
            // that needs new space is refused with 503 and Retry-After — never a 500.
            HttpResponseMessage? write = null;
            for (var i = 0; i < 500 && write?.StatusCode != HttpStatusCode.ServiceUnavailable; i++)
            {
                write = await Admin().PostAsJsonAsync("/api/v1/teams", new { name = $"Written on a full disk {i}", description = new string('x', 1500) }, Cancel);
                Assert.True(write.StatusCode is HttpStatusCode.Created or HttpStatusCode.ServiceUnavailable, $"a write on a full disk answered {(int)write.StatusCode}");
            }
            Assert.Equal(HttpStatusCode.ServiceUnavailable, write!.StatusCode);
            Assert.NotNull(write.Headers.RetryAfter);
            var ready = await Anonymous().GetAsync("/readyz", Cancel);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.Contains("full", await ready.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);

            // Space returns: the server goes on by itself.
            File.Delete(filler);
            File.Delete(more);
            var retry = 0;
            string? back = null;
            await PagingWorld.EventuallyAsync(async () =>
            {
                var name = $"AfterTheDiskFilled{retry++}";
                var response = await world.PostFiringAsync(Anonymous(), "{}:{alertname=\"" + name + "\"}", (name, "f-" + name, "critical", "api-1:9100"));
                Assert.True(response.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.ServiceUnavailable, $"intake answered {(int)response.StatusCode}");
                if (response.StatusCode != HttpStatusCode.Accepted)
                    return false;
                accepted.Add(back = name);
                return true;
            }, "intake to take alerts again", 30);
            Assert.Equal(HttpStatusCode.OK, (await Anonymous().GetAsync("/readyz", Cancel)).StatusCode);
            await PagingWorld.EventuallyAsync(() => hooks.Requests.Any(r => r.Text.Contains(back!, StringComparison.Ordinal)), "a page again", 30);
            await server.KillAsync();

            // Nothing answered 202 is lost; the database is intact.
            await using var connection = new SqliteConnection(database.ConnectionString);
            await connection.OpenAsync(Cancel);
            await using var check = connection.CreateCommand();
            check.CommandText = "PRAGMA integrity_check";
            Assert.Equal("ok", (string?)await check.ExecuteScalarAsync(Cancel));
            foreach (var name in accepted)
            {
                await using var count = connection.CreateCommand();
                count.CommandText = $"SELECT count(*) FROM alerts WHERE dedup_key = 'f-{name}'";
                Assert.Equal(1L, (long)(await count.ExecuteScalarAsync(Cancel))!);
            }
            SqliteConnection.ClearAllPools();
        }
        finally
        {
            await RunAsync("umount", "-l", folder);
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Writes zeros to <paramref name="path"/> until the disk has no room left.</summary>
    private static void Fill(string path)
    {
        var block = new byte[64 * 1024];
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.None);
        try
        {
            while (true)
                file.Write(block);
        }
        catch (IOException)
        {
            // full
        }
        try
        {
            while (true)
                file.Write(block, 0, 512);
        }
        catch (IOException)
        {
            // full to the last block
        }
    }

    private static async Task<int> RunAsync(string program, params string[] arguments)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            await process.WaitForExitAsync();
            return process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1;
        }
    }
}
