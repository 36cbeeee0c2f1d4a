using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Steady.Server.Tests;

/// <summary>
/// What an organization admin gets in the console: a banner when email is not set up while people
/// are reached by email (not shown to others, gone once SMTP is set), and setting someone else's
/// password through the same command as the API.
/// </summary>
public sealed class AdminConsoleTests
{
    private const string Password = "a sufficiently long password";

    private static async Task<(Guid Id, string Email)> PersonAsync(SteadyHost host, string name, bool isAdmin, string? password = Password)
    {
        var email = $"{name.ToLowerInvariant()}.{Guid.NewGuid():N}@example.com";
        var created = await host.Admin().PostAsJsonAsync("/api/v1/users", new { name, email, password, isAdmin });
        created.EnsureSuccessStatusCode();
        return ((await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid(), email);
    }

    [Fact]
    public async Task AdminsAreWarnedThatEmailIsNotSetUpWhilePeopleAreReachedByEmail()
    {
        await using var host = await SteadyHost.StartAsync();
        var (_, adminEmail) = await PersonAsync(host, "Ada", isAdmin: true);
        var (_, viewerEmail) = await PersonAsync(host, "Vic", isAdmin: false);
        var admin = new ConsoleClient(host);
        await admin.SignInAsync(adminEmail, Password);
        Assert.DoesNotContain("data-testid=\"setup-warning\"", await admin.GetPageAsync("/"), StringComparison.Ordinal);

        var (bob, _) = await PersonAsync(host, "Bob", isAdmin: false);
        (await host.Admin().PostAsJsonAsync($"/api/v1/users/{bob}/contact-methods", new { kind = "email", address = "bob@example.com" })).EnsureSuccessStatusCode();
        var page = await admin.GetPageAsync("/alerts");
        Assert.Contains("data-testid=\"setup-warning\"", page, StringComparison.Ordinal);
        Assert.Contains("Email is not set up (Steady:Smtp:Host is empty), yet 1 person is reached by email", WebUtility.HtmlDecode(page), StringComparison.Ordinal);

        var viewer = new ConsoleClient(host);
        await viewer.SignInAsync(viewerEmail, Password);
        Assert.DoesNotContain("data-testid=\"setup-warning\"", await viewer.GetPageAsync("/"), StringComparison.Ordinal);

        await using var configured = await SteadyHost.StartAsync(b => b.UseSetting("Steady:Smtp:Host", "127.0.0.1"));
        var (other, otherAdmin) = await PersonAsync(configured, "Ada", isAdmin: true);
        (await configured.Admin().PostAsJsonAsync($"/api/v1/users/{other}/contact-methods", new { kind = "email", address = "ada@example.com" })).EnsureSuccessStatusCode();
        var signedIn = new ConsoleClient(configured);
        await signedIn.SignInAsync(otherAdmin, Password);
        Assert.DoesNotContain("data-testid=\"setup-warning\"", await signedIn.GetPageAsync("/"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAdminSetsSomeoneElsesPasswordAndTheyCanSignInWithIt()
    {
        await using var host = await SteadyHost.StartAsync();
        var (_, adminEmail) = await PersonAsync(host, "Ada", isAdmin: true);
        var (newcomer, newcomerEmail) = await PersonAsync(host, "Nia", isAdmin: false, password: null);
        var admin = new ConsoleClient(host);
        await admin.SignInAsync(adminEmail, Password);

        var tooShort = await admin.PostFormAsync($"/users/{newcomer}", $"/users/{newcomer}?handler=Password", ("newPassword", "short"));
        Assert.Equal(HttpStatusCode.OK, tooShort.StatusCode);
        Assert.Contains("must be at least 12 characters", WebUtility.HtmlDecode(await tooShort.Content.ReadAsStringAsync()), StringComparison.Ordinal);

        var set = await admin.PostFormAsync($"/users/{newcomer}", $"/users/{newcomer}?handler=Password", ("newPassword", "a brand new long password"));
        Assert.Equal(HttpStatusCode.Redirect, set.StatusCode);
        var nia = new ConsoleClient(host);
        await nia.SignInAsync(newcomerEmail, "a brand new long password");
        Assert.Contains("Good to see you, Nia", await nia.GetPageAsync("/"), StringComparison.Ordinal);

        // Someone who is not an organization admin cannot set another person's password.
        var (_, viewerEmail) = await PersonAsync(host, "Vic", isAdmin: false);
        var vic = new ConsoleClient(host);
        await vic.SignInAsync(viewerEmail, Password);
        var forbidden = await vic.PostFormAsync($"/users/{newcomer}", $"/users/{newcomer}?handler=Password", ("newPassword", "another long password"));
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        await new ConsoleClient(host).SignInAsync(newcomerEmail, "a brand new long password");
    }
}
