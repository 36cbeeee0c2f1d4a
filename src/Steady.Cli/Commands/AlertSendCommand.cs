using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Steady.Cli.Api;
using Steady.Cli.Output;

namespace Steady.Cli.Commands;

/// <summary>
/// steady alert send: raise (or resolve) an alert through a service's generic intake, as a script
/// or a cron job would. It is the one command that speaks with an integration key instead of the
/// API token; --service looks the key up with the token instead, which is handier for people.
/// </summary>
internal static class AlertSendCommand
{
    public const string KeyVariable = "STEADY_INTEGRATION_KEY";

    public static Command Build(Globals globals)
    {
        var summary = new Argument<string?>("SUMMARY") { Description = "What is wrong, in one line", Arity = ArgumentArity.ZeroOrOne };
        var key = new Option<string>("--key") { Description = $"The service's integration key (else {KeyVariable})", HelpName = "KEY" };
        var service = new Option<string>("--service") { Description = "Send to this service, with its first active integration key (needs your API token)", HelpName = "SERVICE" };
        var severity = Syntax.OneOf(
            new Option<string>("--severity") { Description = "critical, error, warning (the server's default) or info", HelpName = "SEVERITY" },
            "a severity", "critical", "error", "warning", "info");
        var dedupKey = new Option<string>("--dedup-key")
        {
            Description = "Alerts with the same key are one alert: sending again counts a repeat, --resolve ends it (default: the labels, or the summary when there are none)",
            HelpName = "KEY",
        };
        var labels = Syntax.CheckedEach<KeyValuePair<string, string>>(
            new Option<KeyValuePair<string, string>[]>("--label") { Description = "A label, e.g. env=prod (repeatable)", HelpName = "NAME=VALUE" },
            Syntax.TryLabel);
        var source = new Option<string>("--source") { Description = "Where it comes from, e.g. the host name", HelpName = "SOURCE" };
        var resolve = new Option<bool>("--resolve") { Description = "Resolve the alert instead of raising it" };
        var links = Syntax.CheckedEach<string>(
            new Option<string[]>("--link") { Description = "A link for the responder, e.g. a dashboard (repeatable)", HelpName = "URL" },
            TryLink);
        var details = Syntax.Checked<JsonNode?>(
            new Option<JsonNode?>("--details") { Description = "Any JSON to keep with the alert, e.g. '{\"disk\": \"/var\"}'", HelpName = "JSON" },
            TryJson);
        var command = new Command("send", "Send an alert to a service's intake, as monitoring would (with an integration key, not your token)")
        {
            summary, key, service, severity, dedupKey, labels, source, resolve, links, details,
        };
        command.Validators.Add(result =>
        {
            if (result.GetResult(key) is not null && result.GetResult(service) is not null)
                result.AddError("Give --key or --service, not both.");
            if (result.GetResult(key) is null && result.GetResult(service) is null && string.IsNullOrWhiteSpace(globals.Context.Environment.GetValueOrDefault(KeyVariable)))
                result.AddError($"Say where the alert goes: --key KEY (or {KeyVariable}), or --service SERVICE.");
            var hasSummary = !string.IsNullOrWhiteSpace(result.GetValue(summary));
            if (!hasSummary && !(result.GetValue(resolve) && !string.IsNullOrWhiteSpace(result.GetValue(dedupKey))))
                result.AddError("Say what is wrong: steady alert send \"SUMMARY\" (only --resolve with --dedup-key needs none).");
        });

        command.SetAction(async (parse, cancellationToken) =>
        {
            var context = globals.Context;
            var body = new JsonObject
            {
                ["summary"] = parse.GetValue(summary)?.Trim(),
                ["status"] = parse.GetValue(resolve) ? "resolved" : "firing",
                ["severity"] = parse.GetValue(severity),
                ["dedup_key"] = parse.GetValue(dedupKey),
                ["source"] = parse.GetValue(source),
                ["details"] = parse.GetValue(details)?.DeepClone(),
            };
            foreach (var empty in body.Where(p => p.Value is null).Select(p => p.Key).ToList())
                body.Remove(empty);
            if (parse.GetValue(labels) is { Length: > 0 } given)
            {
                var labelObject = new JsonObject();
                foreach (var (name, value) in given)
                    labelObject[name] = value;
                body["labels"] = labelObject;
            }
            if (parse.GetValue(links) is { Length: > 0 } hrefs)
                body["links"] = new JsonArray([.. hrefs.Select(h => (JsonNode)new JsonObject { ["href"] = h })]);

            var connection = globals.Resolve(parse);
            string integrationKey, keySource;
            string? serviceName = null;
            if (parse.GetValue(service) is { } named && !string.IsNullOrWhiteSpace(named))
            {
                serviceName = named.Trim();
                using var session = globals.Open(parse);
                connection = session.Connection;
                var keys = (await session.Api.GetAsync($"services/{ApiClient.Segment(serviceName)}/integration-keys", cancellationToken))
                    .Deserialize(CliJson.Default.ListIntegrationKeyDto)!;
                integrationKey = keys.FirstOrDefault(k => k.RevokedAt is null)?.Key
                    ?? throw new CliException($"{Table.Clean(serviceName)} has no active integration key to send with; create one with 'steady service key create {ServiceCommands.Quote(serviceName)}'");
                keySource = $"{Table.Clean(serviceName)}'s integration key";
            }
            else if (parse.GetValue(key) is { } flag && !string.IsNullOrWhiteSpace(flag))
            {
                (integrationKey, keySource) = (flag.Trim(), "--key");
            }
            else if (context.Environment.GetValueOrDefault(KeyVariable) is { } fromEnv && !string.IsNullOrWhiteSpace(fromEnv))
            {
                (integrationKey, keySource) = (fromEnv.Trim(), KeyVariable);
            }
            else
            {
                throw new CliException($"say where the alert goes: --key KEY (or {KeyVariable}), or --service SERVICE", ExitCodes.Usage);
            }

            // Intake takes no API token, only the key in its path.
            JsonElement accepted;
            using (var intake = new ApiClient(connection with { Token = null, TokenSource = null }))
            {
                try
                {
                    accepted = await intake.PostAsync($"{connection.Server}/intake/{ApiClient.Segment(integrationKey)}/generic", body, cancellationToken);
                }
                catch (ApiProblem problem) when (problem.Status == 404)
                {
                    throw new CliException($"{connection.Server} has no active integration key {Masked(integrationKey)} (from {keySource}): it is unknown or revoked; see 'steady service key list SERVICE'");
                }
                catch (ApiProblem problem) when (problem.Status == 400)
                {
                    throw new CliException($"the server refused the alert: {ProblemMessage.Describe(problem)}");
                }
            }
            if (parse.GetValue(globals.Json))
            {
                JsonOutput.Write(context.Out, accepted);
                return ExitCodes.Ok;
            }
            var what = parse.GetValue(resolve) ? "Resolve sent" : $"Sent {parse.GetValue(severity) ?? "warning"} alert";
            var subject = parse.GetValue(summary) is { } text && !string.IsNullOrWhiteSpace(text) ? $" \"{Table.Clean(text)}\"" : "";
            var keyNote = parse.GetValue(dedupKey) is { } k && !string.IsNullOrWhiteSpace(k) ? $" (dedup key {Table.Clean(k)})" : "";
            context.Out.WriteLine($"{what}{subject}{keyNote}{(serviceName is null ? "" : $" to {Table.Clean(serviceName)}")}: accepted.");
            if (serviceName is not null)
                context.Out.WriteLine($"See it with: steady alert list --service {ServiceCommands.Quote(serviceName)}");
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Enough of a key to recognise it, not enough to use it.</summary>
    private static string Masked(string key) => key.Length <= 8 ? "'…'" : $"'{Table.Clean(key[..4])}…'";

    private static bool TryLink(string text, out string href, out string error)
    {
        href = text.Trim();
        if (Uri.TryCreate(href, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
        {
            error = "";
            return true;
        }
        error = $"'{text}' is not an absolute http:// or https:// URL.";
        return false;
    }

    private static bool TryJson(string text, out JsonNode? node, out string error)
    {
        try
        {
            node = JsonNode.Parse(text);
            error = "";
            return true;
        }
        catch (JsonException)
        {
            node = null;
            error = $"'{text}' is not valid JSON.";
            return false;
        }
    }
}
