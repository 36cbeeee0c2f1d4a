using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Steady.Server.Tests.Corpus;
using static Steady.Server.Tests.AuthorizationMatrixTests;

namespace Steady.Server.Tests.Audit;

/// <summary>
/// A complete audit log (issue 15): every write operation of the server's OpenAPI document (POST, PUT, PATCH,
/// DELETE), performed with valid input — the authorization matrix's own arrangement of each — leaves at least
/// one audit entry naming who did it. An operation added without an audit entry fails here.
/// </summary>
public sealed partial class EveryWriteIsAuditedTests
{
    /// <summary>
    /// Not a person's change, so not audited: alerts sent by monitoring tools. Each accepted alert is kept in the
    /// alert's own history (who sent what, when: GET /api/v1/alerts/{id}), and an audit entry per alert would cost
    /// intake the speed it is measured on. People's acknowledgements and resolutions of alerts are audited.
    /// </summary>
    private static readonly HashSet<string> AlertIntakeFromMonitoring =
    [
        "POST /intake/{key}/alertmanager",
        "POST /intake/{key}/grafana",
        "POST /intake/{key}/generic",
        "POST /intake/{key}/events",
        "POST /v2/enqueue",
    ];

    /// <summary>The audit log's names for the engine's own work: an entry by them is not the door's.</summary>
    private static readonly HashSet<string> Engine = ["steady", "system"];

    [Fact]
    public async Task EveryWriteOperationOfTheOpenApiDocumentLeavesAnAuditEntry()
    {
        await using var host = await SteadyHost.StartAsync();
        var world = await World.CreateAsync(host);
        var admin = await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/me", TestContext.Current.CancellationToken);
        var adminId = admin.GetProperty("user").GetProperty("id").GetGuid();
        var document = await host.Anonymous().GetFromJsonAsync<JsonElement>("/openapi/v1.json", TestContext.Current.CancellationToken);
        var writes = Operation.Read(document).Where(o => o.Method is "POST" or "PUT" or "PATCH" or "DELETE")
            .Select(o => $"{o.Method} {Normalize(o.Route)}").Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.True(writes.Count > 60, $"only {writes.Count} write operations in the document");
        Assert.Empty(AlertIntakeFromMonitoring.Except(writes)); // the exemptions name operations that exist

        var unaudited = new List<string>();
        foreach (var operation in writes.Where(w => !AlertIntakeFromMonitoring.Contains(w)))
        {
            var row = Matrix.SingleOrDefault(r => $"{r.Method} {Normalize(r.Route)}" == operation)
                ?? throw new InvalidOperationException($"{operation} has no row in the authorization matrix to perform it with");
            var (path, body) = Arrangements.TryGetValue(operation, out var arrange) ? await arrange(host, world) : await row.Arrange(world);
            var before = await AuditIdsAsync(host);

            using var request = new HttpRequestMessage(new HttpMethod(row.Method), path);
            if (body is not null)
                request.Content = JsonContent.Create(body);
            var client = row.Access == Access.Public ? host.Anonymous() : host.Admin();
            var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
            var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            Assert.True(response.IsSuccessStatusCode, $"{operation} ({path}) should succeed to be audited: {(int)response.StatusCode} {text}");

            var entries = await host.WithDbAsync((db, _) => db.AuditEntries.AsNoTracking().Where(e => !before.Contains(e.Id)).ToListAsync());
            var byTheDoor = row.Access == Access.Public
                ? entries.Where(e => e.ActorId is null && !Engine.Contains(e.ActorName))
                : entries.Where(e => e.ActorId == adminId);
            if (!byTheDoor.Any())
                unaudited.Add($"{operation} ({path}) left no audit entry{(entries.Count == 0 ? "" : $"; only: {string.Join(", ", entries.Select(e => $"{e.ActorName} {e.Action} {e.EntityType}"))}")}");
        }
        Assert.True(unaudited.Count == 0, "Write operations without an audit entry:\n" + string.Join("\n", unaudited));
    }

    /// <summary>
    /// Where the matrix's arrangement makes a request that changes nothing (so no entry is due), one that
    /// does: ending the sessions of a person who has one; a heartbeat that does not exist yet.
    /// </summary>
    private static readonly Dictionary<string, Func<SteadyHost, World, Task<(string, object?)>>> Arrangements = new()
    {
        ["DELETE /api/v1/users/{user}/sessions"] = async (host, _) =>
        {
            var email = $"signed.in.{Guid.NewGuid():N}@example.com";
            var created = await host.Admin().PostAsJsonAsync("/api/v1/users", new { name = "Signed In", email, password = World.Password });
            created.EnsureSuccessStatusCode();
            var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
            await new ConsoleClient(host).SignInAsync(email, World.Password);
            return ($"/api/v1/users/{id}/sessions", null);
        },
        ["POST /intake/{key}/heartbeat"] = (_, world) => Task.FromResult<(string, object?)>(($"/intake/{world.KeyA}/heartbeat?name=audit-{Guid.NewGuid():N}", new { })),
        // The matrix's import is a dry run (it changes nothing); a real one brings in a person.
        ["POST /api/v1/import/{source}"] = (_, _) => Task.FromResult<(string, object?)>(("/api/v1/import/pagerduty", new Dictionary<string, object>
        {
            ["users.json"] = new { users = new[] { new { id = "PU1", name = "Imported Person", email = $"{Guid.NewGuid():N}@example.com" } } },
            ["schedules.json"] = new { schedules = Array.Empty<object>() },
            ["escalation_policies.json"] = new { escalation_policies = Array.Empty<object>() },
        })),
    };

    private static Task<HashSet<Guid>> AuditIdsAsync(SteadyHost host) =>
        host.WithDbAsync(async (db, _) => (await db.AuditEntries.AsNoTracking().Select(e => e.Id).ToListAsync()).ToHashSet());

    /// <summary>A route as the document and the matrix both write it: parameters without constraints, no trailing slash.</summary>
    private static string Normalize(string route) => Constraint().Replace(route, "{$1}").TrimEnd('/');

    [GeneratedRegex(@"\{([^}:?]+)[^}]*\}")]
    private static partial Regex Constraint();
}
