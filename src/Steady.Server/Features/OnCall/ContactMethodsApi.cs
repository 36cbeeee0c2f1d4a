using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Steady.Core;
using Steady.Core.Accounts;
using Steady.Core.OnCall;
using Steady.Server.Data;
using Steady.Server.Features.Accounts;
using Steady.Server.Infrastructure;

namespace Steady.Server.Features.OnCall;

public sealed record ContactMethodInput(string Kind, string Address, string? Label = null, IReadOnlyDictionary<string, string>? Settings = null);

/// <summary>A contact method as shown: settings by name only, never their values (they hold secrets).</summary>
public sealed record ContactMethodDto(Guid Id, string Kind, string Label, string Address, IReadOnlyList<string> Settings, DateTimeOffset CreatedAt, DateTimeOffset? VerifiedAt)
{
    public static ContactMethodDto From(ContactMethod m) => new(m.Id, m.Kind, m.Label, m.Address,
        m.Settings is null ? [] : (JsonSerializer.Deserialize<Dictionary<string, string>>(m.Settings) ?? []).Keys.Order(StringComparer.Ordinal).ToList(),
        m.CreatedAt, m.VerifiedAt);
}

/// <summary>What a "send test" did: sent (and the method is now verified), or why not.</summary>
public sealed record TestResultDto(string Outcome, string Detail, DateTimeOffset? VerifiedAt);

public sealed record RuleInput(Guid ContactMethodId, int DelayMinutes = 0, string Urgency = "any");

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

    private static async Task<Results<Created<ContactMethodDto>, ProblemHttpResult>> AddMethod(string user, ContactMethodInput input, SteadyDb db, ActorAccessor actors, TimeProvider time, CancellationToken cancellationToken)
    {
        var (owner, refused) = await OwnerAsync(user, db, actors, cancellationToken);
        if (refused is not null)
            return refused;
        var kind = input.Kind?.Trim().ToLowerInvariant() ?? "";
        var v = new Validation();
        Validate(v, input.Kind, input.Address, input.Label, input.Settings);
        if (v.ToFailure() is { } invalid)
            return invalid.ToProblem();
        var method = new ContactMethod
        {
            Id = Ids.New(time),
            UserId = owner,
            Kind = kind,
            Label = string.IsNullOrWhiteSpace(input.Label) ? kind : input.Label.Trim(),
            Address = input.Address.Trim(),
            Settings = input.Settings is { Count: > 0 } settings ? JsonSerializer.Serialize(settings) : null,
            CreatedAt = time.GetUtcNow(),
        };
        db.ContactMethods.Add(method);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/v1/users/{owner}/contact-methods/{method.Id}", ContactMethodDto.From(method));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveMethod(string user, Guid id, SteadyDb db, ActorAccessor actors, CancellationToken cancellationToken)
    {
        var (owner, refused) = await OwnerAsync(user, db, actors, cancellationToken);
        if (refused is not null)
            return refused;
        var method = await db.ContactMethods.FirstOrDefaultAsync(m => m.Id == id && m.UserId == owner, cancellationToken);
        if (method is null)
            return Problems.NotFound("The contact method");
        db.NotificationRules.RemoveRange(await db.NotificationRules.Where(r => r.ContactMethodId == id).ToListAsync(cancellationToken));
        db.ContactMethods.Remove(method);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<TestResultDto>, ProblemHttpResult>> SendTest(
        string user, Guid id, HttpContext http, SteadyDb db, ActorAccessor actors, Notify.ChannelRegistry channels, TimeProvider time, CancellationToken cancellationToken)
    {
        var (owner, refused) = await OwnerAsync(user, db, actors, cancellationToken);
        if (refused is not null)
            return refused;
        var method = await db.ContactMethods.FirstOrDefaultAsync(m => m.Id == id && m.UserId == owner, cancellationToken);
        if (method is null)
            return Problems.NotFound("The contact method");
        var details = new Uri($"{http.Request.Scheme}://{http.Request.Host}/account");
        var result = await channels.SendTestAsync(Notify.ContactTarget.FromStored(method.Kind, method.Address, method.Settings), details, cancellationToken);
        if (result.Outcome == Notify.DeliveryOutcome.Sent)
        {
            method.VerifiedAt = time.GetUtcNow();
            await db.SaveChangesAsync(cancellationToken);
        }
        return TypedResults.Ok(new TestResultDto(result.Outcome.ToString().ToLowerInvariant(), result.Detail, method.VerifiedAt));
    }

    private static async Task<Results<Ok<IReadOnlyList<RuleDto>>, ProblemHttpResult>> ListRules(string user, SteadyDb db, ActorAccessor actors, CancellationToken cancellationToken)
    {
        var (owner, refused) = await OwnerAsync(user, db, actors, cancellationToken);
        if (refused is not null)
            return refused;
        var rows = await db.NotificationRules.AsNoTracking().Where(r => r.UserId == owner)
            .Join(db.ContactMethods, r => r.ContactMethodId, m => m.Id, (r, m) => new RuleDto(r.Id, m.Id, m.Kind, m.Label, r.DelayMinutes, r.Urgency))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok<IReadOnlyList<RuleDto>>(rows.OrderBy(r => r.DelayMinutes).ThenBy(r => r.ContactLabel).ToList());
    }

    private static async Task<Results<Created<RuleDto>, ProblemHttpResult>> AddRule(string user, RuleInput input, SteadyDb db, ActorAccessor actors, TimeProvider time, CancellationToken cancellationToken)
    {
        var (owner, refused) = await OwnerAsync(user, db, actors, cancellationToken);
        if (refused is not null)
            return refused;
        var method = await db.ContactMethods.AsNoTracking().FirstOrDefaultAsync(m => m.Id == input.ContactMethodId && m.UserId == owner, cancellationToken);
        var v = new Validation();
        if (method is null)
            v.Add("contactMethodId", "'contactMethodId' must be one of this person's contact methods.");
        if (input.DelayMinutes is < 0 or > 1440)
            v.Add("delayMinutes", "'delayMinutes' must be between 0 and 1440.");
        var urgency = input.Urgency?.Trim().ToLowerInvariant();
        if (urgency is not ("high" or "low" or "any"))
            v.Add("urgency", $"'urgency' must be high, low or any; got '{input.Urgency}'.");
        if (v.ToFailure() is { } invalid)
            return invalid.ToProblem();
        var rule = new NotificationRule { Id = Ids.New(time), UserId = owner, ContactMethodId = method!.Id, DelayMinutes = input.DelayMinutes, Urgency = urgency!, CreatedAt = time.GetUtcNow() };
        db.NotificationRules.Add(rule);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/v1/users/{owner}/notification-rules/{rule.Id}", new RuleDto(rule.Id, method.Id, method.Kind, method.Label, rule.DelayMinutes, rule.Urgency));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveRule(string user, Guid id, SteadyDb db, ActorAccessor actors, CancellationToken cancellationToken)
    {
        var (owner, refused) = await OwnerAsync(user, db, actors, cancellationToken);
        if (refused is not null)
            return refused;
        var rule = await db.NotificationRules.FirstOrDefaultAsync(r => r.Id == id && r.UserId == owner, cancellationToken);
        if (rule is null)
            return Problems.NotFound("The notification rule");
        db.NotificationRules.Remove(rule);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>What a contact method needs, shared with configuration as code: a known kind and an address of its shape (an email, an international phone number with a provider template, or a URL).</summary>
    internal static void Validate(Validation v, string? kindText, string? address, string? label, IReadOnlyDictionary<string, string>? settings)
    {
        var kind = kindText?.Trim().ToLowerInvariant() ?? "";
        if (!ContactMethod.Kinds.Contains(kind))
            v.Add("kind", $"'kind' must be one of {string.Join(", ", ContactMethod.Kinds)}; got '{kindText}'.");
        else if (kind == "email")
            v.Email("address", address);
        else if (kind is "sms" or "voice")
        {
            if (string.IsNullOrWhiteSpace(address) || !System.Text.RegularExpressions.Regex.IsMatch(address.Trim(), @"^\+[1-9][0-9]{6,14}$"))
                v.Add("address", "'address' must be a phone number in international form, like +4915112345678.");
            if (settings?.ContainsKey("url") != true)
                v.Add("settings", "SMS and voice need the provider's request template in 'settings' (at least 'url'; see docs/notifications.md).");
            else if (Notify.ProviderTemplate.Check(new Notify.ContactTarget(kind == "sms" ? Notify.ContactKind.Sms : Notify.ContactKind.Voice, address?.Trim() ?? "", settings)) is { } problem)
                v.Add("settings", $"The provider's request template cannot work: {problem}.");
        }
        else if (string.IsNullOrWhiteSpace(address))
            v.Add("address", "'address' is required: the URL to send to.");
        else
            v.Url("address", address);
        v.Text("label", label, 100);
        if (settings is { Count: > 20 })
            v.Add("settings", "'settings' may have at most 20 entries.");
    }

    /// <summary>The person whose contact details these are, if the caller may see and change them.</summary>
    private static async Task<(Guid Owner, ProblemHttpResult? Refused)> OwnerAsync(string user, SteadyDb db, ActorAccessor actors, CancellationToken cancellationToken)
    {
        var found = await db.UserAsync(user, cancellationToken);
        if (found is null)
            return (Guid.Empty, Problems.NotFound($"User '{user}'"));
        return Permissions.CanEditUser(await actors.RequireAsync(cancellationToken), found.Id)
            ? (found.Id, null)
            : (Guid.Empty, Problems.Forbidden("Contact details are private: only the person and organization administrators can see or change them."));
    }
}
