using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Steady.Cli.Api;
using Steady.Cli.Output;

namespace Steady.Cli.Commands;

/// <summary>steady silence add | list | expire: nobody is paged for alerts that match, for a while, with a reason.</summary>
internal static class SilenceCommands
{
    public static Command Build(Globals globals)
    {
        var silence = new Command("silence", "Silences: alerts matching label matchers are stored and visible, but page nobody until the silence ends");
        silence.Subcommands.Add(Add(globals));
        silence.Subcommands.Add(List(globals));
        silence.Subcommands.Add(Expire(globals));
        return silence;
    }

    private static Command Add(Globals globals)
    {
        var service = new Option<string>("--service") { Description = "Silence only this service's alerts (name or id)", HelpName = "SERVICE" };
        var allServices = new Option<bool>("--all-services") { Description = "Silence matching alerts of every service instead (organization admins)" };
        var matchers = Syntax.CheckedEach<MatcherSpec>(
            new Option<MatcherSpec[]>("--matcher")
            {
                Description = "A label matcher, as in Alertmanager: name=value, name!=value, name=~regex, name!~regex (repeatable: all must match)",
                HelpName = "MATCHER",
                Required = true,
            },
            Syntax.TryMatcher);
        var duration = Syntax.Checked<TimeSpan>(
            new Option<TimeSpan>("--duration") { Description = "How long, e.g. 30m, 2h, 1d (at most 90 days)", HelpName = "DURATION", Required = true },
            Syntax.TryDuration);
        var reason = new Option<string>("--reason") { Description = "Why, for whoever wonders tomorrow", HelpName = "TEXT", Required = true };
        var command = new Command("add", "Silence alerts that match every matcher (responders of the service's team)") { service, allServices, matchers, duration, reason };
        command.Validators.Add(result =>
        {
            var named = result.GetResult(service) is not null;
            var all = result.GetValue(allServices);
            if (named == all)
                result.AddError(named ? "Give --service or --all-services, not both." : "Say whose alerts to silence: --service SERVICE (or --all-services).");
        });
        globals.SetAction(command, async (session, parse, cancellationToken) =>
        {
            var serviceName = parse.GetValue(service)?.Trim();
            var given = parse.GetRequiredValue(matchers);
            var body = new JsonObject
            {
                ["service"] = serviceName,
                ["matchers"] = new JsonArray([.. given.Select(m => (JsonNode)new JsonObject { ["name"] = m.Name, ["value"] = m.Value, ["isRegex"] = m.IsRegex, ["isEqual"] = m.IsEqual })]),
                ["reason"] = parse.GetRequiredValue(reason),
            };
            Lasting(body, parse.GetValue(duration), session.Now);
            var created = await session.Api.PostAsync("silences", body, cancellationToken);
            if (session.Json)
            {
                JsonOutput.Write(session.Out, created);
                return;
            }
            var s = created.Deserialize(AlertJson.Default.SilenceDto)!;
            var now = session.Now;
            var output = session.Out;
            output.WriteLine($"Silenced alerts of {(serviceName is null ? "every service" : Table.Clean(serviceName))} matching {Matchers(s.Matchers)} until {Ago.Both(s.EndsAt, now)}.");
            output.WriteLine($"Silence {ShortId.Of(s.Id)} by {Table.Clean(s.CreatedBy)}: {Table.Clean(s.Reason)}");
            await NameWhatItCoversAsync(session, serviceName, s.Id, cancellationToken);
            output.WriteLine($"End it early with: steady silence expire {ShortId.Of(s.Id)}");
        });
        return command;
    }

    /// <summary>
    /// The server applies a new silence to the alerts already open that it matches, as well as to those
    /// that fire while it lasts: say how many it took in, so nobody wonders about the ones already paging.
    /// </summary>
    private static async Task NameWhatItCoversAsync(Session session, string? serviceName, Guid silenceId, CancellationToken cancellationToken)
    {
        var only = serviceName is null ? "" : $"&service={Uri.EscapeDataString(serviceName)}";
        var covered = (await session.Api.GetAllAsync($"alerts?status=open{only}&limit=500", 10_000, cancellationToken))
            .Select(a => a.Deserialize(AlertJson.Default.AlertDto)!)
            .Count(a => a.SilencedBy == silenceId);
        if (covered > 0)
            session.Out.WriteLine(covered == 1 ? "It also covers 1 matching alert already open." : $"It also covers {covered} matching alerts already open.");
    }

    private static Command List(Globals globals)
    {
        var all = new Option<bool>("--all") { Description = "Include silences that have ended or not yet begun (the newest 500)" };
        var command = new Command("list", "List the silences in force now") { all };
        globals.SetAction(command, async (session, parse, cancellationToken) =>
        {
            var everything = parse.GetValue(all);
            var found = await session.Api.GetAsync(everything ? "silences" : "silences?active=true", cancellationToken);
            if (session.Json)
            {
                JsonOutput.Write(session.Out, found);
                return;
            }
            var silences = found.Deserialize(AlertJson.Default.ListSilenceDto)!;
            if (silences.Count == 0)
            {
                session.Out.WriteLine(everything ? "No silences yet." : "No silences in force: every alert pages as usual.");
                return;
            }
            var services = await ServiceNamesAsync(session.Api, cancellationToken);
            var now = session.Now;
            var ids = ShortId.For(silences.Select(s => s.Id));
            var table = everything
                ? new Table("Id", "Status", "Service", "Matchers", "Ends", "Reason", "By").Limit(3, 60).Limit(5, 50)
                : new Table("Id", "Service", "Matchers", "Ends", "Reason", "By").Limit(2, 60).Limit(4, 50);
            foreach (var s in silences)
            {
                var serviceName = s.ServiceId is { } id ? services.GetValueOrDefault(id, id.ToString()) : "(every service)";
                var ends = s.EndsAt > now ? Ago.Both(s.EndsAt, now) : $"{Format.Time(s.EndsAt)} ({Ago.Since(s.EndsAt, now)})";
                if (everything)
                    table.Add(ids[s.Id], State(s, now), serviceName, Matchers(s.Matchers), ends, s.Reason, s.CreatedBy);
                else
                    table.Add(ids[s.Id], serviceName, Matchers(s.Matchers), ends, s.Reason, s.CreatedBy);
            }
            table.WriteTo(session.Out);
        });
        return command;
    }

    private static Command Expire(Globals globals)
    {
        var id = ShortId.Argument("ID", "The silence's id, or the short id 'steady silence list' shows");
        var command = new Command("expire", "End a silence now: matching alerts still triggered page, and new ones page as usual") { id };
        globals.SetAction(command, async (session, parse, cancellationToken) =>
        {
            var typed = parse.GetRequiredValue(id);
            var (full, part, _) = ShortId.Parse(typed);
            var silenceId = full ?? ShortId.Pick(
                (await session.Api.GetAsync("silences", cancellationToken)).Deserialize(AlertJson.Default.ListSilenceDto)!.Select(s => s.Id),
                part!, "silence", "steady silence list --all");
            var expired = await session.Api.DeleteAsync($"silences/{silenceId}", cancellationToken);
            if (session.Json)
            {
                JsonOutput.Write(session.Out, expired);
                return;
            }
            var s = expired.Deserialize(AlertJson.Default.SilenceDto)!;
            session.Out.WriteLine($"Expired silence {ShortId.Of(s.Id)} ({Matchers(s.Matchers)}): its alerts still triggered page now, and new ones page as usual.");
        });
        return command;
    }

    /// <summary>How long, as the API takes it: whole minutes when it is, else the end time.</summary>
    internal static void Lasting(JsonObject body, TimeSpan duration, DateTimeOffset now)
    {
        if (duration.Ticks % TimeSpan.TicksPerMinute == 0)
            body["durationMinutes"] = (long)duration.TotalMinutes;
        else
            body["endsAt"] = (now + duration).ToString("O", CultureInfo.InvariantCulture);
    }

    internal static async Task<Dictionary<Guid, string>> ServiceNamesAsync(ApiClient api, CancellationToken cancellationToken) =>
        (await api.GetAllAsync("services", cancellationToken))
            .Select(s => s.Deserialize(CliJson.Default.ServiceDto)!)
            .ToDictionary(s => s.Id, s => s.Name);

    private static string Matchers(IEnumerable<SilenceMatcherDto> matchers) =>
        string.Join(", ", matchers.Select(m => new MatcherSpec(m.Name, m.Value, m.IsRegex, m.IsEqual).ToString()));

    private static string State(SilenceDto s, DateTimeOffset now) =>
        s.Active ? "active" : s.StartsAt > now ? "pending" : "expired";
}
