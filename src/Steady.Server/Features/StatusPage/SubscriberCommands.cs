using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Steady.Core;
using Steady.Core.Accounts;
using Steady.Core.StatusPage;
using Steady.Server.Data;
using Steady.Server.Infrastructure;

namespace Steady.Server.Features.StatusPage;

/// <summary>A subscriber as administrators add one: email (still confirmed by its owner) or webhook, for all components or some (names or ids).</summary>
public sealed record SubscriberInput(string? Kind = null, string? Address = null, IReadOnlyList<string>? Components = null);

/// <summary>What a subscription link found, or why it does not work (the status to answer with, and words for people).</summary>
public sealed record LinkOutcome(StatusSubscriber? Subscriber, PublicStatusPage? Page, int Status, string? Problem);

/// <summary>
/// Subscriptions, the one home of their changes: subscribing on the page (double opt-in: a pending
/// subscription and a confirmation link by email; typing an address that is subscribed already only mails
/// its owner a manage link, so nobody changes another's subscription), confirming, choosing components,
/// unsubscribing (signed links), and administrators adding, listing and removing subscribers.
/// </summary>
public sealed class SubscriberCommands(SteadyDb db, TimeProvider time, StatusPageCommands pages, SubscriberLinks links, IOptions<StatusPageOptions> options, WakeSignal<StatusPageWorker> worker)
{
    public const int MaxAddress = 2000;

    /// <summary>Someone on the page asks for email updates. Answers the same whatever the address's state, so nobody learns who is subscribed.</summary>
    public async Task<Failure?> SubscribeAsync(PublicStatusPage page, string? email, IReadOnlyList<string>? components, CancellationToken cancellationToken)
    {
        var v = new Validation().Email("email", email?.Trim());
        var ids = await ComponentIdsAsync(page, components, v, cancellationToken);
        if (v.ToFailure() is { } invalid)
            return invalid;
        await StartEmailAsync(page, email!.Trim(), ids, null, cancellationToken);
        try
        {
            await SaveAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            // The same address asked twice at once: the other request's link is on its way.
        }
        return null;
    }

    /// <summary>A new or pending address gets a (new) confirmation link; one already confirmed gets its manage link, and nothing changes.</summary>
    private async Task<StatusSubscriber> StartEmailAsync(PublicStatusPage page, string email, IReadOnlyList<Guid>? ids, string? by, CancellationToken cancellationToken)
    {
        var key = email.ToLowerInvariant();
        var now = time.GetUtcNow();
        var subscriber = await db.Set<StatusSubscriber>().FirstOrDefaultAsync(s => s.PageId == page.Id && s.Kind == SubscriberKind.Email && s.AddressKey == key, cancellationToken);
        if (subscriber is { State: SubscriberState.Active })
        {
            Notice(subscriber, "manage", now);
            return subscriber;
        }
        if (subscriber is null)
        {
            subscriber = new StatusSubscriber { Id = Ids.New(time), PageId = page.Id, Kind = SubscriberKind.Email, Address = email, AddressKey = key, CreatedAt = now, CreatedBy = by };
            db.Add(subscriber);
        }
        subscriber.State = SubscriberState.Pending;
        subscriber.Components = StatusSubscriber.WriteComponents(ids);
        subscriber.ConfirmNonce = SubscriberLinks.NewNonce();
        subscriber.ConfirmSentAt = now;
        subscriber.FailedAt = null;
        subscriber.FailedReason = null;
        Notice(subscriber, "confirm", now, subscriber.ConfirmNonce);
        return subscriber;
    }

    /// <summary>The confirmation link: single use, expiring, signed.</summary>
    public async Task<LinkOutcome> ConfirmAsync(string? token, bool dryRun, CancellationToken cancellationToken)
    {
        var link = await links.VerifyAsync(token, SubscriberLinkPurpose.Confirm, cancellationToken);
        if (link is null)
            return new LinkOutcome(null, null, StatusCodes.Status400BadRequest, "This confirmation link is not valid. Copy the whole link from the email, or subscribe again.");
        var subscriber = await db.Set<StatusSubscriber>().FirstOrDefaultAsync(s => s.Id == link.Subscriber, cancellationToken);
        if (subscriber is null)
            return new LinkOutcome(null, null, StatusCodes.Status410Gone, "This subscription no longer exists. Subscribe again on the status page.");
        var page = await db.Set<PublicStatusPage>().AsNoTracking().FirstAsync(p => p.Id == subscriber.PageId, cancellationToken);
        if (subscriber.ConfirmNonce != link.Nonce)
        {
            return new LinkOutcome(subscriber, page, StatusCodes.Status410Gone, subscriber.State == SubscriberState.Active
                ? "This confirmation link was already used: your subscription is confirmed."
                : "This confirmation link was replaced by a newer one: use the link in the latest email.");
        }
        if (link.ExpiresAt is not { } expires || expires <= time.GetUtcNow())
            return new LinkOutcome(subscriber, page, StatusCodes.Status410Gone, "This confirmation link has expired. Subscribe again on the status page to get a new one.");
        if (!dryRun)
        {
            subscriber.State = SubscriberState.Active;
            subscriber.ConfirmedAt = time.GetUtcNow();
            subscriber.ConfirmNonce = null;
            await db.SaveChangesAsync(cancellationToken);
        }
        return new LinkOutcome(subscriber, page, StatusCodes.Status200OK, null);
    }

    /// <summary>A manage / unsubscribe link: the subscription it names, if it still exists.</summary>
    public async Task<LinkOutcome> FindAsync(string? token, CancellationToken cancellationToken)
    {
        var link = await links.VerifyAsync(token, SubscriberLinkPurpose.Manage, cancellationToken);
        if (link is null)
            return new LinkOutcome(null, null, StatusCodes.Status400BadRequest, "This link is not valid. Copy the whole link from the email.");
        var subscriber = await db.Set<StatusSubscriber>().FirstOrDefaultAsync(s => s.Id == link.Subscriber, cancellationToken);
        if (subscriber is null)
            return new LinkOutcome(null, null, StatusCodes.Status410Gone, "You are not subscribed (any more): there is nothing to change.");
        var page = await db.Set<PublicStatusPage>().AsNoTracking().FirstAsync(p => p.Id == subscriber.PageId, cancellationToken);
        return new LinkOutcome(subscriber, page, StatusCodes.Status200OK, null);
    }

    /// <summary>The subscriber chose other components (none: all of them).</summary>
    public async Task<Failure?> ChooseComponentsAsync(StatusSubscriber subscriber, PublicStatusPage page, IReadOnlyList<string>? components, CancellationToken cancellationToken)
    {
        var v = new Validation();
        var ids = await ComponentIdsAsync(page, components, v, cancellationToken);
        if (v.ToFailure() is { } invalid)
            return invalid;
        subscriber.Components = StatusSubscriber.WriteComponents(ids);
        await db.SaveChangesAsync(cancellationToken);
        return null;
    }

    /// <summary>Removes a subscription and the messages it was still to get.</summary>
    public async Task UnsubscribeAsync(StatusSubscriber subscriber, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Set<StatusNotice>().Where(n => n.SubscriberId == subscriber.Id).ExecuteDeleteAsync(cancellationToken);
        await db.Set<StatusSubscriber>().Where(s => s.Id == subscriber.Id).ExecuteDeleteAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>An administrator adds a subscriber: an email address still confirms by its link; a webhook is active at once.</summary>
    public async Task<Outcome<StatusSubscriber>> AddAsync(Actor actor, string slug, SubscriberInput input, CancellationToken cancellationToken)
    {
        if (!Permissions.CanAdministerOrganization(actor))
            return Failure.Forbidden("Only organization administrators manage subscribers (their addresses are personal data).");
        var page = await pages.PageAsync(slug, cancellationToken);
        if (page is null)
            return Failure.NotFound($"The status page '{slug}'");
        var kind = input.Kind?.Trim().ToLowerInvariant() switch { "email" => SubscriberKind.Email, "webhook" => SubscriberKind.Webhook, _ => (SubscriberKind?)null };
        var v = new Validation();
        if (kind is null)
            v.Add("kind", "'kind' must be email or webhook.");
        else if (kind == SubscriberKind.Email)
            v.Email("address", input.Address?.Trim());
        else if (string.IsNullOrWhiteSpace(input.Address))
            v.Add("address", "'address' is required: the webhook's http(s) URL.");
        else
            v.Url("address", input.Address.Trim());
        v.Text("address", input.Address, MaxAddress);
        var ids = await ComponentIdsAsync(page, input.Components, v, cancellationToken);
        if (v.ToFailure() is { } invalid)
            return invalid;
        var address = input.Address!.Trim();
        var key = kind == SubscriberKind.Email ? address.ToLowerInvariant() : address;
        if (await db.Set<StatusSubscriber>().AnyAsync(s => s.PageId == page.Id && s.Kind == kind && s.AddressKey == key, cancellationToken))
            return Failure.Conflict($"{address} is already a subscriber of this page.");
        StatusSubscriber subscriber;
        if (kind == SubscriberKind.Email)
        {
            subscriber = await StartEmailAsync(page, address, ids, actor.Name, cancellationToken);
        }
        else
        {
            var now = time.GetUtcNow();
            subscriber = new StatusSubscriber
            {
                Id = Ids.New(time), PageId = page.Id, Kind = SubscriberKind.Webhook, Address = address, AddressKey = key, Components = StatusSubscriber.WriteComponents(ids),
                State = SubscriberState.Active, ConfirmedAt = now, CreatedAt = now, CreatedBy = actor.Name,
            };
            db.Add(subscriber);
        }
        db.AuditEvent("subscriber_added", "status_subscriber", subscriber.Id.ToString(), actor.UserId, actor.Name, new Dictionary<string, string?> { ["page"] = page.Slug, ["kind"] = kind!.Value.ToString().ToLowerInvariant() });
        await SaveAsync(cancellationToken);
        return subscriber;
    }

    public async Task<Outcome<StatusSubscriber>> RemoveAsync(Actor actor, string slug, Guid id, CancellationToken cancellationToken)
    {
        if (!Permissions.CanAdministerOrganization(actor))
            return Failure.Forbidden("Only organization administrators manage subscribers (their addresses are personal data).");
        var page = await pages.PageAsync(slug, cancellationToken);
        if (page is null)
            return Failure.NotFound($"The status page '{slug}'");
        var subscriber = await db.Set<StatusSubscriber>().AsNoTracking().FirstOrDefaultAsync(s => s.PageId == page.Id && s.Id == id, cancellationToken);
        if (subscriber is null)
            return Failure.NotFound("The subscriber");
        db.AuditEvent("subscriber_removed", "status_subscriber", subscriber.Id.ToString(), actor.UserId, actor.Name, new Dictionary<string, string?> { ["page"] = page.Slug, ["kind"] = subscriber.Kind.ToString().ToLowerInvariant() });
        await db.SaveChangesAsync(cancellationToken);
        await UnsubscribeAsync(subscriber, cancellationToken);
        return subscriber;
    }

    /// <summary>The components named (by name or id), or null for all of them when none is named.</summary>
    private async Task<IReadOnlyList<Guid>?> ComponentIdsAsync(PublicStatusPage page, IReadOnlyList<string>? components, Validation v, CancellationToken cancellationToken)
    {
        if (components is null || components.Count == 0)
            return null;
        if (components.Count > 100)
        {
            v.Add("components", "At most 100 components.");
            return null;
        }
        var ids = new List<Guid>();
        foreach (var reference in components)
        {
            if (await pages.ComponentAsync(page.Id, reference ?? "", cancellationToken) is { } found)
                ids.Add(found.Id);
            else
                v.Add("components", $"The page has no component '{reference}'.");
        }
        return ids;
    }

    private void Notice(StatusSubscriber subscriber, string kind, DateTimeOffset now, string? nonce = null) =>
        db.Add(new StatusNotice { Id = Ids.New(time), SubscriberId = subscriber.Id, Kind = kind, ConfirmNonce = nonce, CreatedAt = now, DueAt = now });

    private async Task SaveAsync(CancellationToken cancellationToken)
    {
        await db.SaveChangesAsync(cancellationToken);
        worker.Wake();
    }

    public TimeSpan ConfirmationLifetime => options.Value.ConfirmationLifetime;
}
