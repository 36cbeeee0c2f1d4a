using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Steady.Core.Alerts;
using Steady.Server.Features.Alerts;
using Steady.Server.Features.Intake;

namespace Steady.Server.Tests.Alerts;

/// <summary>Accepted means stored: under kill -9, under a storage failure, and with a full queue.</summary>
public sealed class DurabilityTests
{
    [Fact]
    public async Task NoAcknowledgedAlertIsLostWhenTheServerIsKilledUnderLoad()
    {
        Assert.SkipWhen(TestDatabase.UsePostgres, "The kill -9 test runs the server process on SQLite; PostgreSQL durability is the server's own.");
        await using var database = await TestDatabase.CreateAsync();
        const string token = "stdy_durability-test-token-0123456789";
        await using (var server = ServerProcess.Start(database, token, new Dictionary<string, string> { ["Steady__Intake__RequestsPerSecondPerKey"] = "0" }))
        {
            await server.WaitReadyAsync();
            using var client = new HttpClient { BaseAddress = server.Client.BaseAddress };
            client.DefaultRequestHeaders.Authorization = new("Bearer", token);
            var team = await IdAsync(await client.PostAsJsonAsync("/api/v1/teams", new { name = "Durable" }));
            var service = await IdAsync(await client.PostAsJsonAsync("/api/v1/services", new { name = "durable", teamId = team }));
            var key = (await (await client.PostAsJsonAsync($"/api/v1/services/{service}/integration-keys", new { name = "k" })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString();

            var acknowledged = new ConcurrentBag<string>();
            using var stop = new CancellationTokenSource();
            var senders = Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
            {
                using var sender = new HttpClient { BaseAddress = client.BaseAddress };
                for (var batch = 0; !stop.IsCancellationRequested && batch < 10_000; batch++)
                {
                    var keys = Enumerable.Range(0, 20).Select(i => $"w{worker}-b{batch}-a{i}").ToList();
                    try
                    {
                        var response = await sender.PostAsJsonAsync($"/intake/{key}/generic", keys.Select(k => new { summary = "load " + k, dedup_key = k }).ToArray());
                        if (response.StatusCode == HttpStatusCode.Accepted)
                            keys.ForEach(acknowledged.Add);
                    }
                    catch (HttpRequestException)
                    {
                        return; // the server is gone
                    }
                }
            })).ToList();
            // Kill mid-stream: once a few hundred alerts are acknowledged (however busy the machine is).
            var waited = Stopwatch.StartNew();
            while (acknowledged.Count < 400 && waited.Elapsed < TimeSpan.FromSeconds(60))
                await Task.Delay(20);
            await server.KillAsync(); // SIGKILL: no shutdown, no flush
            await stop.CancelAsync();
            await Task.WhenAll(senders);
            Assert.True(acknowledged.Count > 100, $"only {acknowledged.Count} alerts were acknowledged before the kill");

            await using var connection = new SqliteConnection(database.ConnectionString);
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT dedup_key FROM alerts";
            var stored = new HashSet<string>(StringComparer.Ordinal);
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                    stored.Add(reader.GetString(0));
            }
            var lost = acknowledged.Where(k => !stored.Contains(k)).ToList();
            Assert.True(lost.Count == 0, $"{lost.Count} of {acknowledged.Count} acknowledged alerts were lost, e.g. {string.Join(", ", lost.Take(5))}");
        }
    }

    [Fact]
    public async Task WhenStorageFailsIntakeAnswers503AndStoresNothing()
    {
        await using var host = await SteadyHost.StartAsync();
        var world = await AlertWorld.CreateAsync(host);
        await host.WithDbAsync((db, _) => db.Database.ExecuteSqlRawAsync("ALTER TABLE alert_events RENAME TO alert_events_away"));
        try
        {
            var response = await world.PostAsync("generic", new { summary = "during the outage", dedup_key = "outage" });
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.NotNull(response.Headers.RetryAfter);
        }
        finally
        {
            await host.WithDbAsync((db, _) => db.Database.ExecuteSqlRawAsync("ALTER TABLE alert_events_away RENAME TO alert_events"));
        }
        Assert.Empty(await world.AlertsAsync("&status=all"));
        (await world.PostAsync("generic", new { summary = "after the outage", dedup_key = "outage" })).EnsureSuccessStatusCode();
        Assert.Single(await world.AlertsAsync("&status=all"));
    }

    [Fact]
    public void AFullQueueRefusesMoreRatherThanGrowing()
    {
        var queue = new IntakeQueue(Options.Create(new IntakeOptions { QueueCapacity = 100 }));
        static IntakeItem Item(int alerts) => new(Enumerable.Range(0, alerts).Select(i => new ServiceEvent(Guid.Empty,
            new IncomingAlert(IntakeAction.Trigger, "k" + i, "s", Severity.Info, null, new Dictionary<string, string>(), null, [], null, "generic"))).ToList());
        Assert.True(queue.TryEnqueue(Item(60)));
        Assert.True(queue.TryEnqueue(Item(40)));
        Assert.False(queue.TryEnqueue(Item(1)));
        Assert.Equal(100, queue.Queued);
        queue.Release(60);
        Assert.True(queue.TryEnqueue(Item(50)));
    }


    private static async Task<Guid> IdAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetGuid();
    }
}
