using System.Net;
using System.Text.RegularExpressions;

namespace Steady.Server.Tests;

/// <summary>A browser without JavaScript: cookies, antiforgery tokens from forms, redirects not followed.</summary>
public sealed partial class ConsoleClient
{
    private readonly HttpClient _client;

    public ConsoleClient(SteadyHost host)
    {
        Cookies = new CookieContainer();
        var handler = new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false };
        _client = new HttpClient(handler) { BaseAddress = host.BaseAddress };
        _client.DefaultRequestHeaders.Accept.ParseAdd("text/html");
    }

    public CookieContainer Cookies { get; }

    /// <summary>The browser's own client, for requests no form would make.</summary>
    public HttpClient Http => _client;

    public Task<HttpResponseMessage> GetAsync(string path) => _client.GetAsync(path);

    public async Task<string> GetPageAsync(string path)
    {
        var response = await _client.GetAsync(path);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Posts a form the way the page's own form would, with the antiforgery token from <paramref name="formPage"/>.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string formPage, string action, params (string Name, string Value)[] fields)
    {
        var page = await GetPageAsync(formPage);
        var token = AntiforgeryField().Match(page).Groups[1].Value;
        var values = fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)).Append(new("__RequestVerificationToken", token));
        return await _client.PostAsync(action, new FormUrlEncodedContent(values));
    }

    /// <summary>Posts a form with the antiforgery token of a page read earlier (a form submitted twice, a replayed request).</summary>
    public Task<HttpResponseMessage> PostFormFromAsync(string page, string action, params (string Name, string Value)[] fields)
    {
        var token = AntiforgeryField().Match(page).Groups[1].Value;
        var values = fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)).Append(new("__RequestVerificationToken", token));
        return _client.PostAsync(action, new FormUrlEncodedContent(values));
    }

    public async Task<string> SignInAsync(string email, string password)
    {
        var response = await PostFormAsync("/login", "/login", ("Email", email), ("Password", password));
        if (response.StatusCode != HttpStatusCode.Redirect)
            throw new InvalidOperationException($"Sign-in failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await GetPageAsync(response.Headers.Location!.OriginalString);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
