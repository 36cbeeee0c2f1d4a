using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Steady.Core;
using Steady.Core.Accounts;
using Steady.Core.OnCall;
using Steady.Server.Data;
using Steady.Server.Features.Accounts;
using Steady.Server.Infrastructure;

namespace Steady.Server.Features.OnCall;

/// <summary>A contact method as shown: settings by name only, never their values (they hold secrets).</summary>
public sealed record ContactMethodDto(Guid Id, string Kind, string Label, string Address, IReadOnlyList<string> Settings, DateTimeOffset CreatedAt, DateTimeOffset? VerifiedAt)
{
    public static ContactMethodDto From(ContactMethod m) => new(m.Id, m.Kind.ToWire(), m.Label, m.Address, ContactMethodCommands.SettingNames(m), m.CreatedAt, m.VerifiedAt);
}

/// <summary>What a "send test" did: sent (and the method is now verified), or why not.</summary>
public sealed record TestResultDto(string Outcome, string Detail, DateTimeOffset? VerifiedAt);

public sealed record RuleDto(Guid Id, Guid ContactMethodId, string ContactKind, string ContactLabel, int DelayMinutes, string Urgency);

/// <summary>How a person is reached (contact methods) and in what order (notification rules). People manage their own; organization admins anyone's.</summary>
public static class ContactMethodsApi
{
    public static RouteGroupBuilder MapContactMethodsApi(this RouteGroupBuilder api)
    {
        var user = api.MapGroup("/users/{user}").WithTags("Users");
        user.MapGet("/contact-methods", ListMethods).WithSummary("A person's contact methods");
        user.MapPost("/contact-methods", AddMethod).WithSummary("Add a contact method: email, webhook, slack, teams, mattermost, discord, ntfy, sms, voice (the person, or organization admins)");
        user.MapDelete("/contact-methods/{id:guid}", RemoveMethod).WithSummary("Remove a contact method and its rules (the person, or organization admins)");
        user.MapPost("/contact-methods/{id:guid}/test", SendTest).WithSummary("Send a test notification through the method now; a success marks it verified (the person, or organization admins)");
        user.MapGet("/notification-rules", ListRules).WithSummary("A person's notification rules, in the order they fire");
        user.MapPost("/notification-rules", AddRule).WithSummary("Notify a contact method after a delay when paged (the person, or organization admins)");
        user.MapDelete("/notification-rules/{id:guid}", RemoveRule).WithSummary("Remove a notification rule (the person, or organization admins)");
        return api;
    }

    private static async Task<Results<Ok<IReadOnlyList<ContactMethodDto>>, ProblemHttpResult>> ListMethods(string user, SteadyDb db, ActorAccessor actors, CancellationToken cancellationToken)
    {
        var (owner, refused) = await OwnerAsync(user, db, actors, cancellationToken);
        if (refused is not null)
            return refused;
        var rows = await db.ContactMethods.AsNoTracking().Where(m => m.UserId == owner).OrderBy(m => m.Id).ToListAsync(cancellationToken);
        return TypedResults.Ok<IReadOnlyList<ContactMethodDto>>(rows.Select(ContactMethodDto.From).ToList());
    }

    private static async Task<Results<Created<ContactMethodDto>, ProblemHttpResult>> AddMethod(string user, ContactMethodInput input, SteadyDb db, ActorAccessor actors, ContactMethodCommands commands, CancellationToken cancellationToken)
    {
        var (owner, refused) = await OwnerAsync(user, db, actors, cancellationToken);
        if (refused is not null)
            return refused;
        var outcome = await commands.AddAsync(await actors.RequireAsync(cancellationToken), owner, input, cancellationToken);
        if (!outcome.Succeeded)
            return outcome.Failure!.ToProblem();
        return TypedResults.Created($"/api/v1/users/{owner}/contact-methods/{outcome.Value!.Id}", ContactMethodDto.From(outcome.Value));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveMethod(string user, Guid id, SteadyDb db, ActorAccessor actors, ContactMethodCommands commands, CancellationToken cancellationToken)
    {
        var (owner, refused) = await OwnerAsync(user, db, actors, cancellationToken);
        if (refused is not null)
            return refused;
        var outcome = await commands.RemoveAsync(await actors.RequireAsync(cancellationToken), owner, id, cancellationToken);
        return outcome.Succeeded ? TypedResults.NoContent() : outcome.Failure!.ToProblem();
    }

    private static async Task<Results<Ok<TestResultDto>, ProblemHttpResult>> SendTest(string user, Guid id, HttpContext http, SteadyDb db, ActorAccessor actors, ContactMethodCommands commands, CancellationToken cancellationToken)
    {
        var (owner, refused) = await OwnerAsync(user, db, actors, cancellationToken);
        if (refused is not null)
            return refused;
        var details = new Uri($"{http.Request.Scheme}://{http.Request.Host}/account");
        var outcome = await commands.TestAsync(await actors.RequireAsync(cancellationToken), owner, id, details, cancellationToken);
        if (!outcome.Succeeded)
            return outcome.Failure!.ToProblem();
        var (method, result) = outcome.Value;
        return TypedResults.Ok(new TestResultDto(result.Outcome.ToString().ToLowerInvariant(), result.Detail, method.VerifiedAt));
    }

    private static async Task<Results<Ok<IReadOnlyList<RuleDto>>, ProblemHttpResult>> ListRules(string user, SteadyDb db, ActorAccessor actors, CancellationToken cancellationToken)
    {
        var (owner, refused) = await OwnerAsync(user, db, actors, cancellationToken);
        if (refused is not null)
            return refused;
        var rows = await db.NotificationRules.AsNoTracking().Where(r => r.UserId == owner)
            .Join(db.ContactMethods, r => r.ContactMethodId, m => m.Id, (r, m) => new RuleDto(r.Id, m.Id, m.Kind.ToWire(), m.Label, r.DelayMinutes, r.Urgency.ToWire()))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok<IReadOnlyList<RuleDto>>(rows.OrderBy(r => r.DelayMinutes).ThenBy(r => r.ContactLabel).ToList());
    }

    private static async Task<Results<Created<RuleDto>, ProblemHttpResult>> AddRule(string user, RuleInput input, SteadyDb db, ActorAccessor actors, ContactMethodCommands commands, CancellationToken cancellationToken)
    {
        var (owner, refused) = await OwnerAsync(user, db, actors, cancellationToken);
        if (refused is not null)
            return refused;
        var outcome = await commands.AddRuleAsync(await actors.RequireAsync(cancellationToken), owner, input, cancellationToken);
        if (!outcome.Succeeded)
            return outcome.Failure!.ToProblem();
        var (rule, method) = outcome.Value;
        return TypedResults.Created($"/api/v1/users/{owner}/notification-rules/{rule.Id}", new RuleDto(rule.Id, method.Id, method.Kind.ToWire(), method.Label, rule.DelayMinutes, rule.Urgency.ToWire()));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveRule(string user, Guid id, SteadyDb db, ActorAccessor actors, ContactMethodCommands commands, CancellationToken cancellationToken)
    {
        var (owner, refused) = await OwnerAsync(user, db, actors, cancellationToken);
        if (refused is not null)
            return refused;
        var outcome = await commands.RemoveRuleAsync(await actors.RequireAsync(cancellationToken), owner, id, cancellationToken);
        return outcome.Succeeded ? TypedResults.NoContent() : outcome.Failure!.ToProblem();
    }

    /// <summary>The person whose contact details these are, if the caller may see and change them.</summary>
    private static async Task<(Guid Owner, ProblemHttpResult? Refused)> OwnerAsync(string user, SteadyDb db, ActorAccessor actors, CancellationToken cancellationToken)
    {
        var found = await db.UserAsync(user, cancellationToken);
        if (found is null)
            return (Guid.Empty, Problems.NotFound($"User '{user}'"));
        return ContactMethodCommands.Refused(await actors.RequireAsync(cancellationToken), found.Id) is { } refused
            ? (Guid.Empty, refused.ToProblem())
            : (found.Id, null);
    }
}
