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
        services.Configure<PostmortemOptions>(configuration.GetSection(PostmortemOptions.Section));
        services.AddSingleton<WakeSignal<ActionItemReminderWorker>>();
        services.AddHostedService<ActionItemReminderWorker>();
        services.AddScoped<PostmortemDrafts>();
        services.AddScoped<PostmortemCommands>();
        services.AddScoped<ActionItemCommands>();
        return services;
    }

    public static RouteGroupBuilder MapPostmortemsApi(this RouteGroupBuilder api)
    {
        var postmortem = api.MapGroup("/incidents/{number}/postmortem").WithTags("Postmortems");
        postmortem.MapGet("/", Get).WithSummary("The incident's postmortem: sections, impact times (live from the incident), timeline and responders copies, and the blameless check's advice");
        postmortem.MapPost("/", Draft).WithSummary("Draft the postmortem now (it is drafted by itself when the incident is resolved); answers the existing one if there is one");
        postmortem.MapPut("/", Update).WithSummary("Change sections, owner (a person), due date, timeline copy or status (draft → in-review → reviewed → published, one step at a time)");

        var items = api.MapGroup("/action-items").WithTags("Postmortems");
        items.MapGet("/", List).WithSummary("Action items by due date; ?incident=, owner=, status=, type=");
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

    private static async Task<Results<Ok<List<ActionItemDto>>, ProblemHttpResult>> List(string? incident, string? owner, string? status, string? type, ActionItemCommands commands, CancellationToken cancellationToken) =>
        Answer(await commands.ListAsync(new(incident, owner, status, type), cancellationToken));

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
