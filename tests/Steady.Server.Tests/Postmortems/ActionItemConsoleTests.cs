using System.Net.Http.Json;
using System.Text.Json;
using Steady.Server.Tests.Incidents;

namespace Steady.Server.Tests.Postmortems;

public sealed class ActionItemConsoleTests
{
    private const string Password = "a sufficiently long password";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheActionItemsPageListsOpenItemsMarksTheOverdueAndShowsAPersonTheirOwn()
    {
        await using var world = await IncidentWorld.CreateAsync();
        await world.DeclareAsync(new { title = "Certificate expired", severity = "SEV2", services = new[] { world.Alerts.Service } }, who: "Ana");
        var ana = world.As("Ana");
        var now = world.Host.Clock.GetUtcNow();
        async Task AddAsync(string title, string owner, int days) =>
            (await ana.PostAsJsonAsync("/api/v1/action-items", new { incident = "1", title, type = "prevent", owner = world.People[owner].Id.ToString(), dueAt = now.AddDays(days) }, Cancel)).EnsureSuccessStatusCode();
        await AddAsync("Automate renewal", "Ben", 2);
        await AddAsync("Alert on expiry", "Cleo", 30);

        (await world.Admin.PutAsJsonAsync($"/api/v1/users/{world.People["Ben"].Id}/password", new { newPassword = Password }, Cancel)).EnsureSuccessStatusCode();
        var email = (await world.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/users/{world.People["Ben"].Id}", Cancel)).GetProperty("email").GetString()!;
        var browser = new ConsoleClient(world.Host);
        await browser.SignInAsync(email, Password);

        var all = await browser.GetPageAsync("/action-items");
        Assert.Contains("Automate renewal", all, StringComparison.Ordinal);
        Assert.Contains("Alert on expiry", all, StringComparison.Ordinal);
        Assert.DoesNotContain("data-testid=\"overdue\"", all, StringComparison.Ordinal);
        // The table (the framework's validation summary above it hides an empty item with a style of its own).
        var page = all[all.IndexOf("id=\"action-items-table\"", StringComparison.Ordinal)..all.IndexOf("</table>", StringComparison.Ordinal)];
        Assert.DoesNotContain("style=", page, StringComparison.Ordinal);

        world.Host.Clock.Advance(TimeSpan.FromDays(3));
        browser = new ConsoleClient(world.Host); // three days on, the session has expired: sign in again
        await browser.SignInAsync(email, Password);
        var mine = await browser.GetPageAsync("/action-items?mine=true");
        Assert.Contains("Automate renewal", mine, StringComparison.Ordinal);
        Assert.DoesNotContain("Alert on expiry", mine, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"overdue\"", mine, StringComparison.Ordinal);

        var bad = await browser.GetPageAsync("/action-items?status=lost");
        Assert.Contains("&#x27;status&#x27; must be one of", bad, StringComparison.Ordinal);
    }
}
