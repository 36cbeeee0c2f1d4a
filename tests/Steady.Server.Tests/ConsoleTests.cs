using System.Net;
using System.Net.Http.Json;

namespace Steady.Server.Tests;

/// <summary>The console without JavaScript: cookie sign-in, antiforgery on every form, pages that refuse what the API refuses.</summary>
public sealed class ConsoleTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string Password = "a sufficiently long password";
    private readonly SteadyHost _host = fixture.Host;
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/")]
    [InlineData("/services")]
    [InlineData("/teams")]
    [InlineData("/users")]
    [InlineData("/tokens")]
    [InlineData("/audit")]
    [InlineData("/account")]
    public async Task SignedOutVisitorsAreSentToTheSignInPage(string path)
    {
        var response = await new ConsoleClient(_host).GetAsync(path);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/login", response.Headers.Location!.PathAndQuery.TrimStart('h'), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWrongPasswordSaysSoAndSignsNobodyIn()
    {
        var email = await PersonAsync(isAdmin: false);
        var browser = new ConsoleClient(_host);
        var response = await browser.PostFormAsync("/login", "/login", ("Email", email), ("Password", "wrong password entirely"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("The email or password is not correct.", await response.Content.ReadAsStringAsync(_ct));
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task AFormPostedWithoutItsAntiforgeryTokenIsRefused()
    {
        var email = await PersonAsync(isAdmin: true);
        var browser = new ConsoleClient(_host);
        await browser.SignInAsync(email, Password);
        var handler = new HttpClientHandler { CookieContainer = browser.Cookies, AllowAutoRedirect = false };
        using var raw = new HttpClient(handler) { BaseAddress = _host.BaseAddress };
        var response = await raw.PostAsync("/teams", new FormUrlEncodedContent([new("Name", "Forged")]), _ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var teams = await _host.Admin().GetStringAsync("/api/v1/teams", _ct);
        Assert.DoesNotContain("Forged", teams);
    }

    [Fact]
    public async Task AnAdministratorCreatesATeamAServiceAndAKeyThroughTheForms()
    {
        var email = await PersonAsync(isAdmin: true);
        var browser = new ConsoleClient(_host);
        await browser.SignInAsync(email, Password);

        var team = await browser.PostFormAsync("/teams", "/teams", ("Name", "Forms Team"), ("Description", "made in the console"));
        Assert.Equal(HttpStatusCode.Redirect, team.StatusCode);
        var teamId = team.Headers.Location!.OriginalString.Split('/').Last();

        var service = await browser.PostFormAsync("/services", "/services", ("Name", "forms-svc"), ("TeamId", teamId), ("Description", ""), ("RunbookUrl", ""));
        Assert.Equal(HttpStatusCode.Redirect, service.StatusCode);
        var servicePage = service.Headers.Location!.OriginalString;

        var key = await browser.PostFormAsync(servicePage, servicePage + "?handler=Key", ("keyName", "prometheus"));
        Assert.Equal(HttpStatusCode.Redirect, key.StatusCode);
        var page = await browser.GetPageAsync(servicePage);
        Assert.Contains("prometheus", page);
        Assert.Contains("Integration key prometheus created.", page);
        Assert.Contains("forms-svc", await browser.GetPageAsync("/services"));
    }

    [Fact]
    public async Task AFormWithBadInputShowsTheReasonNextToTheForm()
    {
        var email = await PersonAsync(isAdmin: true);
        var browser = new ConsoleClient(_host);
        await browser.SignInAsync(email, Password);
        var response = await browser.PostFormAsync("/users", "/users", ("Name", "Nobody"), ("Email", "not an email"), ("TimeZone", "Nowhere/City"));
        var html = await response.Content.ReadAsStringAsync(_ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("is not a valid email address", html);
        Assert.Contains("is not a known IANA time zone", html);
    }

    [Fact]
    public async Task TheAuditPageIsForAdministratorsOnly()
    {
        var email = await PersonAsync(isAdmin: false);
        var browser = new ConsoleClient(_host);
        await browser.SignInAsync(email, Password);
        var response = await browser.GetAsync("/audit");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("Only organization administrators", await response.Content.ReadAsStringAsync(_ct));
    }

    [Fact]
    public async Task ATokenCreatedInTheConsoleIsShownOnceAndWorksOnTheApi()
    {
        var email = await PersonAsync(isAdmin: false);
        var browser = new ConsoleClient(_host);
        await browser.SignInAsync(email, Password);
        var created = await browser.PostFormAsync("/tokens", "/tokens", ("Name", "laptop"));
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var page = await browser.GetPageAsync("/tokens");
        var secret = System.Text.RegularExpressions.Regex.Match(page, "stdy_[A-Za-z0-9_-]{43}").Value;
        Assert.NotEmpty(secret);
        Assert.Equal(HttpStatusCode.OK, (await _host.As(secret).GetAsync("/api/v1/me", _ct)).StatusCode);
        Assert.DoesNotContain(secret, await browser.GetPageAsync("/tokens"));
    }

    [Fact]
    public async Task SigningOutEndsTheSession()
    {
        var email = await PersonAsync(isAdmin: false);
        var browser = new ConsoleClient(_host);
        await browser.SignInAsync(email, Password);
        var response = await browser.PostFormAsync("/", "/logout");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task TheStylesheetIsServedWithACacheableVersion()
    {
        var html = await new ConsoleClient(_host).GetPageAsync("/login");
        var href = System.Text.RegularExpressions.Regex.Match(html, "href=\"(/steady\\.css\\?v=[0-9a-f]+)\"").Groups[1].Value;
        Assert.NotEmpty(href);
        var css = await _host.Anonymous().GetAsync(href, _ct);
        Assert.Equal("text/css", css.Content.Headers.ContentType?.MediaType);
        Assert.Contains("immutable", css.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task AResponderAcknowledgesAndResolvesAnAlertFromItsPage()
    {
        var world = await Alerts.AlertWorld.CreateAsync(_host);
        (await world.PostAsync("generic", new { summary = "Checkout is slow", dedup_key = "slow", labels = new { env = "prod" } })).EnsureSuccessStatusCode();
        var id = (await world.AlertAsync("slow")).GetProperty("id").GetString();
        var email = await PersonAsync(isAdmin: true);
        var browser = new ConsoleClient(_host);
        await browser.SignInAsync(email, Password);

        var list = await browser.GetPageAsync($"/alerts?service={world.Service}");
        Assert.Contains("Checkout is slow", list);
        Assert.DoesNotContain("field is required", list);
        Assert.Contains("Checkout is slow", await browser.GetPageAsync("/alerts?label=env%3Dprod"));
        Assert.DoesNotContain("Checkout is slow", await browser.GetPageAsync("/alerts?label=env%3Ddev"));

        var ack = await browser.PostFormAsync($"/alerts/{id}", $"/alerts/{id}?handler=Ack");
        Assert.Equal(HttpStatusCode.Redirect, ack.StatusCode);
        Assert.Contains("Acknowledged by Console Person", await browser.GetPageAsync($"/alerts/{id}"));

        var resolve = await browser.PostFormAsync($"/alerts/{id}", $"/alerts/{id}?handler=Resolve", ("note", "restarted the pool"));
        Assert.Equal(HttpStatusCode.Redirect, resolve.StatusCode);
        var page = await browser.GetPageAsync($"/alerts/{id}");
        Assert.Contains("Resolved by Console Person", page);
        Assert.Contains("restarted the pool", page);
    }

    [Fact]
    public async Task AHandlerThePageDoesNotHaveIsNotFoundOnEveryPageAndDoesNothing()
    {
        var email = await PersonAsync(isAdmin: true);
        var browser = new ConsoleClient(_host);
        await browser.SignInAsync(email, Password);
        var team = await _host.Admin().PostAsJsonAsync("/api/v1/teams", new { name = "Handlers " + Guid.NewGuid().ToString("N")[..6] }, _ct);
        var teamId = (await team.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(_ct)).GetProperty("id").GetGuid();
        var teamsBefore = await _host.Admin().GetStringAsync("/api/v1/teams", _ct);
        foreach (var page in new[] { "/", "/teams", $"/teams/{teamId}", "/services", "/users", "/tokens", "/alerts", "/incidents", "/schedules", "/policies", "/audit", "/account" })
        {
            // Detail pages answered 500 (rendered with nothing loaded); list pages ran their create handler.
            var html = await browser.GetPageAsync(page);
            Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync(page + "?handler=nope")).StatusCode);
            var posted = await browser.PostFormFromAsync(html, page + "?handler=nope", ("Name", "Handled"));
            Assert.True(posted.StatusCode == HttpStatusCode.NotFound, $"POST {page}?handler=nope: {(int)posted.StatusCode}");
        }
        Assert.Equal(teamsBefore, await _host.Admin().GetStringAsync("/api/v1/teams", _ct));
    }

    [Fact]
    public async Task AFormFieldThePagesFormCouldNotHaveSentIsRefusedNamingIt()
    {
        var email = await PersonAsync(isAdmin: true);
        var browser = new ConsoleClient(_host);
        await browser.SignInAsync(email, Password);
        // A checkbox is true or false: "yes please" made the page fail to render itself again (500).
        var response = await browser.PostFormAsync("/users", "/users", ("Name", "Unreadable"), ("Email", "unreadable@example.com"), ("IsAdmin", "yes please"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("IsAdmin", await response.Content.ReadAsStringAsync(_ct));
        Assert.DoesNotContain("unreadable@example.com", await _host.Admin().GetStringAsync("/api/v1/users?limit=500", _ct));
    }

    [Fact]
    public async Task AFormFieldThatIsNotUtf8IsRefusedNamingIt()
    {
        var email = await PersonAsync(isAdmin: true);
        var browser = new ConsoleClient(_host);
        var page = await browser.SignInAsync(email, Password);
        page = await browser.GetPageAsync("/teams");
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        var body = new ByteArrayContent(System.Text.Encoding.ASCII.GetBytes($"Name=caf%C3%28&__RequestVerificationToken={Uri.EscapeDataString(token)}"));
        body.Headers.ContentType = new("application/x-www-form-urlencoded");
        var response = await browser.Http.PostAsync("/teams", body, _ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("The form field 'Name' is not valid UTF-8", await response.Content.ReadAsStringAsync(_ct));
    }

    private async Task<string> PersonAsync(bool isAdmin)
    {
        var email = $"person.{Guid.NewGuid():N}@example.com";
        (await _host.Admin().PostAsJsonAsync("/api/v1/users", new { name = "Console Person", email, password = Password, isAdmin }, _ct)).EnsureSuccessStatusCode();
        return email;
    }
}
