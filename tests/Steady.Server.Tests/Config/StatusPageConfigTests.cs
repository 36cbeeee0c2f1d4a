using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static Steady.Server.Tests.Config.ConfigAsCodeTests;

namespace Steady.Server.Tests.Config;

/// <summary>Status pages as code: apply makes and orders groups and components, linked to services by name, idempotently; export writes them back the same; a bad document changes nothing.</summary>
public sealed class StatusPageConfigTests
{
    private const string Pages = """
        kind: team
        name: Payments
        ---
        kind: service
        name: checkout-api
        team: Payments
        ---
        kind: status_page
        slug: acme
        name: Acme status
        description: Live status of the Acme shop.
        time_zone: Europe/Berlin
        home_url: https://acme.example.com
        default: true
        groups:
          - name: Shop
            components:
              - name: Checkout
                description: Paying for orders
                service: checkout-api
              - name: Catalog
        components:
          - name: Public API
        ---
        kind: status_page
        slug: partners
        name: Partner status
        private: true
        host_name: status.partners.example
        components:
          - name: Partner API
        """;

    [Fact]
    public async Task StatusPagesApplyIdempotentlyAndExportTheSameText()
    {
        await using var source = await SteadyHost.StartAsync();
        var (status, result) = await ApplyAsync(source.Admin(), Pages);
        Assert.True(status == HttpStatusCode.OK, result.ToString());
        Assert.Equal(4, result.GetProperty("created").GetInt32());
        var components = await source.Admin().GetFromJsonAsync<JsonElement>("/api/v1/status-pages/acme/components");
        Assert.Equal(["Checkout", "Catalog", "Public API"], components.EnumerateArray().Select(c => c.GetProperty("name").GetString()!).ToArray());
        Assert.All(components.EnumerateArray(), c => Assert.Equal("operational", c.GetProperty("state").GetString()));
        Assert.NotEqual(JsonValueKind.Null, components[0].GetProperty("serviceId").ValueKind);
        var partners = await source.Admin().GetFromJsonAsync<JsonElement>("/api/v1/status-pages/partners");
        Assert.True(partners.GetProperty("private").GetBoolean());
        Assert.Equal("status.partners.example", partners.GetProperty("hostName").GetString());
        Assert.Contains("Catalog", await source.Anonymous().GetStringAsync("/status"), StringComparison.Ordinal);
        Assert.Single((await source.Admin().GetFromJsonAsync<JsonElement>("/api/v1/status-pages/acme/components/Checkout/history")).EnumerateArray());

        var again = await ApplyAsync(source.Admin(), Pages);
        Assert.Equal(0, again.Body.GetProperty("created").GetInt32() + again.Body.GetProperty("updated").GetInt32());

        // A state set by a person is not the file's: applying again leaves it.
        (await source.Admin().PatchAsJsonAsync("/api/v1/status-pages/acme/components/Catalog", new { state = "partial_outage" })).EnsureSuccessStatusCode();
        var moved = await ApplyAsync(source.Admin(), Pages.Replace("      - name: Catalog\n", "", StringComparison.Ordinal).Replace("  - name: Public API", "  - name: Public API\n  - name: Catalog", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, moved.Status);
        var change = moved.Body.GetProperty("changes").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "acme");
        Assert.Equal("updated", change.GetProperty("action").GetString());
        Assert.Contains("components", change.GetProperty("fields").EnumerateArray().Select(f => f.GetString()));
        var catalog = (await source.Admin().GetFromJsonAsync<JsonElement>("/api/v1/status-pages/acme/components")).EnumerateArray().Single(c => c.GetProperty("name").GetString() == "Catalog");
        Assert.Equal(JsonValueKind.Null, catalog.GetProperty("groupId").ValueKind);
        Assert.Equal("partial_outage", catalog.GetProperty("state").GetString());

        var exported = await ExportAsync(source.Admin());
        Assert.Contains("kind: status_page", exported, StringComparison.Ordinal);
        Assert.DoesNotContain("partial_outage", exported, StringComparison.Ordinal);
        await using var empty = await SteadyHost.StartAsync();
        var applied = await ApplyAsync(empty.Admin(), exported);
        Assert.True(applied.Status == HttpStatusCode.OK, applied.Body.ToString());
        Assert.Equal(exported, await ExportAsync(empty.Admin()));
    }

    [Fact]
    public async Task ABadStatusPageDocumentChangesNothingAndNamesItsFields()
    {
        await using var host = await SteadyHost.StartAsync();
        var (status, body) = await ApplyAsync(host.Admin(), """
            kind: status_page
            slug: Not A Slug
            name: Bad
            time_zone: Mars/Olympus
            host_name: https://status.example.com
            components:
              - name: API
                service: nowhere
              - name: API
            colour: red
            """);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("colour", body.ToString(), StringComparison.Ordinal);
        (status, body) = await ApplyAsync(host.Admin(), """
            kind: status_page
            slug: Not A Slug
            name: Bad
            time_zone: Mars/Olympus
            host_name: https://status.example.com
            components:
              - name: API
                service: nowhere
              - name: API
            """);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var text = body.ToString();
        foreach (var mention in new[] { "slug", "Mars/Olympus", "hostName", "nowhere", "listed twice" })
            Assert.Contains(mention, text, StringComparison.Ordinal);
        Assert.Equal(0, (await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/status-pages")).GetArrayLength());
        var (_, viewerToken) = await host.CreateUserAsync("Vic");
        var (forbidden, _) = await ApplyAsync(host.As(viewerToken), "kind: status_page\nslug: mine\nname: Mine\n");
        Assert.Equal(HttpStatusCode.Forbidden, forbidden);
    }
}
