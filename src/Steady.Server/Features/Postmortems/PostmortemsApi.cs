using Microsoft.AspNetCore.Http.HttpResults;
using Steady.Core;
using Steady.Server.Features.Accounts;
using Steady.Server.Infrastructure;

namespace Steady.Server.Features.Postmortems;

/// <summary>/api/v1/incidents/{number}/postmortem and /api/v1/action-items.</summary>
public static class PostmortemsApi
{
    public static IServiceCollection AddSteadyPostmortems(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PostmortemOptions>().Bind(configuration.GetSection(PostmortemOptions.Section))
            .Validate(o => NodaTime.DateTimeZoneProviders.Tzdb.GetZoneOrNull(o.TimeZone.Trim()) is not null, $"{PostmortemOptions.Section}:TimeZone must be an IANA time zone id such as Europe/Berlin.")
            .ValidateOnStart();
        services.AddSingleton<WakeSignal<FollowUpWorker>>();
        services.AddHostedService<FollowUpWorker>();
        services.AddScoped<PostmortemDrafts>();
        services.AddScoped<PostmortemCommands>();
        services.AddScoped<ActionItemCommands>();
        return services;
    }

    /// <summary>The incident's postmortem page and the Markdown export, for the console and the API alike.</summary>
    public static string FileName(int number) => $"incident-{number}-postmortem.md";

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> Export(string number, ActorAccessor actors, PostmortemCommands commands, HttpContext http, CancellationToken cancellationToken)
    {
        var outcome = await commands.ExportAsync(await actors.RequireAsync(cancellationToken), number, cancellationToken);
        if (!outcome.Succeeded)
            return outcome.Failure!.ToProblem();
        http.Response.Headers.ContentDisposition = $"inline; filename=\"{FileName(Incidents.IncidentQueries.ParseNumber(number) ?? 0)}\"";
        return TypedResults.Text(outcome.Value!, "text/markdown; charset=utf-8");
    }

    private static async Task<Results<Ok<IReadOnlyList<RepeatDto>>, ProblemHttpResult>> Repeats(string number, Incidents.IncidentQueries queries, Data.SteadyDb db, CancellationToken cancellationToken)
    {
        var incident = await queries.FindAsync(number, tracked: false, cancellationToken);
        if (incident is null)
            return Failure.NotFound($"Incident #{number.TrimStart('#')}").ToProblem();
        return TypedResults.Ok(await RepeatIncidents.ForAsync(db, incident, cancellationToken));
    }

    public static RouteGroupBuilder MapPostmortemsApi(this RouteGroupBuilder api)
    {
        var postmortem = api.MapGroup("/incidents/{number}/postmortem").WithTags("Postmortems");
        postmortem.MapGet("/", Get).WithSummary("The incident's postmortem: sections, impact times (live from the incident), timeline and responders copies, and the blameless check's advice");
        postmortem.MapPost("/", Draft).WithSummary("Draft the postmortem now (it is drafted by itself when the incident is resolved); answers the existing one if there is one");
        postmortem.MapPut("/", Update).WithSummary("Change sections, owner (a person), due date, timeline copy or status (draft → in-review → reviewed → published, one step at a time)");
        postmortem.MapGet("/markdown", Export).WithSummary("The whole postmortem as Markdown (text/markdown): every section, impact times, the timeline in UTC and your zone, responders, action items");
        api.MapGet("/incidents/{number}/repeats", Repeats).WithTags("Postmortems")
            .WithSummary("Earlier incidents this one repeats (the same alert, or the same service with action items still open), newest first, with their open action items");

        var items = api.MapGroup("/action-items").WithTags("Postmortems");
        items.MapGet("/", List).WithSummary("Action items, soonest due first (order=age: oldest first); ?incident=, owner=, status= (or unfinished), type=, team=, service=");
        items.MapPost("/", Create).WithSummary("Add an action item to an incident or its postmortem: title, type, owner (a person), priority, dueAt (not in the past), ticketUrl, status");
        items.MapGet("/{id:guid}", GetItem).WithSummary("One action item");
        items.MapPatch("/{id:guid}", Change).WithSummary("Change an action item; 'not-doing' needs a reason");
        return api;
    }

    private static async Task<Results<Ok<PostmortemDto>, ProblemHttpResult>> Get(string number, PostmortemCommands commands, CancellationToken cancellationToken) =>
        Answer(await commands.GetAsync(number, cancellationToken));

    private static async Task<Results<Ok<PostmortemDto>, ProblemHttpResult>> Draft(string number, ActorAccessor actors, PostmortemCommands commands, CancellationToken cancellationToken) =>
        Answer(await commands.DraftAsync(await actors.RequireAsync(cancellationToken), number, cancellationToken));

    private static async Task<Results<Ok<PostmortemDto>, ProblemHttpResult>> Update(string number, PostmortemInput input, ActorAccessor actors, PostmortemCommands commands, CancellationToken cancellationToken) =>
        Answer(await commands.UpdateAsync(await actors.RequireAsync(cancellationToken), number, input, cancellationToken));

    private static async Task<Results<Ok<List<ActionItemDto>>, ProblemHttpResult>> List(string? incident, string? owner, string? status, string? type, string? team, string? service, string? order, ActionItemCommands commands, CancellationToken cancellationToken) =>
        Answer(await commands.ListAsync(new(incident, owner, status, type, team, service, order), cancellationToken));

    private static async Task<Results<Created<ActionItemDto>, ProblemHttpResult>> Create(ActionItemInput input, ActorAccessor actors, ActionItemCommands commands, CancellationToken cancellationToken)
    {
        var outcome = await commands.CreateAsync(await actors.RequireAsync(cancellationToken), input, cancellationToken);
        return outcome.Succeeded ? TypedResults.Created($"/api/v1/action-items/{outcome.Value!.Id}", outcome.Value) : outcome.Failure!.ToProblem();
    }

    private static async Task<Results<Ok<ActionItemDto>, ProblemHttpResult>> GetItem(Guid id, ActionItemCommands commands, CancellationToken cancellationToken) =>
        Answer(await commands.GetAsync(id, cancellationToken));

    private static async Task<Results<Ok<ActionItemDto>, ProblemHttpResult>> Change(Guid id, ActionItemInput input, ActorAccessor actors, ActionItemCommands commands, CancellationToken cancellationToken) =>
        Answer(await commands.UpdateAsync(await actors.RequireAsync(cancellationToken), id, input, cancellationToken));

    private static Results<Ok<T>, ProblemHttpResult> Answer<T>(Outcome<T> outcome) =>
        outcome.Succeeded ? TypedResults.Ok(outcome.Value!) : outcome.Failure!.ToProblem();
}
