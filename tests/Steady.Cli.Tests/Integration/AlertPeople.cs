using System.Text.Json;

namespace Steady.Cli.Tests.Integration;

/// <summary>Set-up the alert tests share: a person signed in to the test server, and services with keys.</summary>
internal static class AlertPeople
{
    public static Person Responder(SteadyServer server)
    {
        var person = new Person();
        person.Environment["STEADY_SERVER"] = server.Url;
        person.Environment["STEADY_TOKEN"] = SteadyServer.AdminToken;
        return person;
    }

    /// <summary>A team, its service and an integration key, made with the CLI; returns the key.</summary>
    public static async Task<string> ServiceWithKeyAsync(this Person person, string service, params string[] options)
    {
        (await person.RunAsync("team", "create", $"{service}-team")).Succeeded();
        (await person.RunAsync(["service", "create", service, "--team", $"{service}-team", .. options])).Succeeded();
        var created = (await person.RunAsync("service", "key", "create", service, "--json")).Succeeded();
        using var json = JsonDocument.Parse(created.Out);
        return json.RootElement.GetProperty("key").GetString()!;
    }

    /// <summary>`steady alert list ... --json`, parsed.</summary>
    public static async Task<List<JsonElement>> AlertsAsync(this Person person, params string[] args)
    {
        var result = (await person.RunAsync(["alert", "list", .. args, "--json"])).Succeeded();
        using var json = JsonDocument.Parse(result.Out);
        return json.RootElement.EnumerateArray().Select(e => e.Clone()).ToList();
    }

    public static string Id(this JsonElement alert) => alert.GetProperty("id").GetString()!;

    public static string Short(this JsonElement alert) => alert.Id().Replace("-", "", StringComparison.Ordinal)[^8..];

    public static string[] Lines(this CliResult result) => result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
