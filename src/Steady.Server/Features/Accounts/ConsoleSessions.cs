using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Steady.Core;
using Steady.Core.Accounts;
using Steady.Server.Data;

namespace Steady.Server.Features.Accounts;

/// <summary>A console session, server-side: the cookie holds a random key, this row only the key's hash.</summary>
public sealed class ConsoleSession
{
    public Guid Id { get; set; }

    public Guid UserId { get; set; }

    public required string KeyHash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset LastSeenAt { get; set; }

    public DateTimeOffset? EndedAt { get; set; }

    /// <summary>signed out, password changed, ended by a person (named), expired.</summary>
    public string? EndedReason { get; set; }

    public string? Address { get; set; }

    public string? UserAgent { get; set; }
}

/// <summary>The "Steady:Sessions" section.</summary>
public sealed class ConsoleSessionOptions
{
    public const string Section = "Steady:Sessions";

    /// <summary>A session unused this long has ended.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromHours(12);

    /// <summary>A session this old has ended, however busy.</summary>
    public TimeSpan MaxLifetime { get; set; } = TimeSpan.FromDays(7);
}

public sealed record SessionDto(Guid Id, DateTimeOffset CreatedAt, DateTimeOffset LastSeenAt, string? Address, string? UserAgent, bool Current);

/// <summary>
/// Console sessions in the database: started at sign-in (<see cref="DatabaseTicketStore"/>), resolved on every
/// request, and ended by signing out, by a password change (the person's other sessions), by the person from
/// their account page or by an organization administrator. Every end is an audit entry.
/// </summary>
public sealed class ConsoleSessions(SteadyDb db, TimeProvider time, IOptionsMonitor<ConsoleSessionOptions> options)
{
    /// <summary>The claim naming the session a console request belongs to.</summary>
    public const string SessionClaim = "steady:session";

    /// <summary>Present while the person's password is a one-time one they must change (<see cref="User.MustChangePassword"/>).</summary>
    public const string MustChangePasswordClaim = "steady:must-change-password";

    /// <summary>Starts a session for the person a sign-in ticket names; returns the key the cookie will carry.</summary>
    public async Task<string> StartAsync(AuthenticationTicket ticket, HttpContext http, CancellationToken cancellationToken)
    {
        var userId = Guid.Parse(ticket.Principal.FindFirstValue(ClaimTypes.NameIdentifier)!);
        var now = time.GetUtcNow();
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var agent = http.Request.Headers.UserAgent.ToString();
        db.Set<ConsoleSession>().Add(new ConsoleSession
        {
            Id = Ids.New(time),
            UserId = userId,
            KeyHash = Secrets.Hash(key),
            CreatedAt = now,
            LastSeenAt = now,
            Address = http.Connection.RemoteIpAddress?.ToString(),
            UserAgent = agent.Length > 300 ? agent[..300] : agent,
        });
        await db.SaveChangesAsync(cancellationToken);
        var forget = now - TimeSpan.FromDays(30);
        await db.Set<ConsoleSession>().Where(s => (s.EndedAt != null && s.EndedAt < forget) || s.LastSeenAt < forget)
            .ExecuteDeleteAsync(cancellationToken);
        return key;
    }

    /// <summary>The ticket of a live session with this key, or null (unknown, ended, idle too long, too old, or its person disabled).</summary>
    public async Task<AuthenticationTicket?> ResolveAsync(string key, CancellationToken cancellationToken)
    {
        var hash = Secrets.Hash(key);
        var found = await db.Set<ConsoleSession>().AsNoTracking().Where(s => s.KeyHash == hash)
            .Join(db.Users, s => s.UserId, u => u.Id, (s, u) => new { Session = s, User = u })
            .FirstOrDefaultAsync(cancellationToken);
        var now = time.GetUtcNow();
        if (found is null || found.Session.EndedAt is not null || found.User.DisabledAt is not null || IsExpired(found.Session, now))
            return null;
        if (now - found.Session.LastSeenAt > TimeSpan.FromMinutes(1))
        {
            await db.Set<ConsoleSession>().Where(s => s.Id == found.Session.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.LastSeenAt, now), cancellationToken);
        }
        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, found.User.Id.ToString()),
                new Claim(ClaimTypes.Name, found.User.Name),
                new Claim(ClaimTypes.Email, found.User.Email),
                new Claim(SessionClaim, found.Session.Id.ToString()),
            ],
            CookieAuthenticationDefaults.AuthenticationScheme);
        if (found.User.MustChangePassword)
            identity.AddClaim(new Claim(MustChangePasswordClaim, "true"));
        // No issued or expiry time on the ticket: the session's row decides, on the injected clock.
        return new AuthenticationTicket(new ClaimsPrincipal(identity), CookieAuthenticationDefaults.AuthenticationScheme);
    }

    /// <summary>Ends the session with this key (signing out).</summary>
    public async Task EndByKeyAsync(string key, CancellationToken cancellationToken)
    {
        var hash = Secrets.Hash(key);
        var now = time.GetUtcNow();
        await db.Set<ConsoleSession>().Where(s => s.KeyHash == hash && s.EndedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.EndedAt, now).SetProperty(x => x.EndedReason, "signed out"), cancellationToken);
    }

    /// <summary>A person's live sessions, newest first: for themselves and organization administrators.</summary>
    public async Task<Outcome<IReadOnlyList<SessionDto>>> ListAsync(Actor actor, Guid userId, Guid? current, CancellationToken cancellationToken)
    {
        if (!Permissions.CanEditUser(actor, userId))
            return Failure.Forbidden("Only the person and organization administrators can see a person's sessions.");
        var now = time.GetUtcNow();
        var rows = await db.Set<ConsoleSession>().AsNoTracking().Where(s => s.UserId == userId && s.EndedAt == null)
            .OrderByDescending(s => s.Id).ToListAsync(cancellationToken);
        return Outcome<IReadOnlyList<SessionDto>>.From(rows.Where(s => !IsExpired(s, now))
            .Select(s => new SessionDto(s.Id, s.CreatedAt, s.LastSeenAt, s.Address, s.UserAgent, s.Id == current)).ToList());
    }

    /// <summary>
    /// Ends a person's sessions — one (<paramref name="sessionId"/>) or all but <paramref name="except"/> — for
    /// themselves and organization administrators; returns how many ended.
    /// </summary>
    public async Task<Outcome<int>> EndAsync(Actor actor, Guid userId, Guid? sessionId, Guid? except, CancellationToken cancellationToken)
    {
        if (!Permissions.CanEditUser(actor, userId))
            return Failure.Forbidden("Only the person and organization administrators can end a person's sessions.");
        if (!await db.Users.AnyAsync(u => u.Id == userId, cancellationToken))
            return Failure.NotFound("The user");
        var ended = await MarkEndedAsync(actor, userId, sessionId, except, actor.UserId == userId ? "ended by its person" : $"ended by {actor.Name}", cancellationToken);
        if (sessionId is not null && ended == 0)
            return Failure.NotFound("The session");
        await db.SaveChangesAsync(cancellationToken);
        return ended;
    }

    /// <summary>
    /// Marks a person's live sessions ended (one, or all but <paramref name="except"/>) with an audit entry, in the
    /// caller's unit of work: the caller saves, so the end commits with the change that caused it (a new password).
    /// </summary>
    public async Task<int> MarkEndedAsync(Actor actor, Guid userId, Guid? sessionId, Guid? except, string reason, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var sessions = await db.Set<ConsoleSession>()
            .Where(s => s.UserId == userId && s.EndedAt == null && (sessionId == null || s.Id == sessionId) && (except == null || s.Id != except))
            .ToListAsync(cancellationToken);
        foreach (var session in sessions)
        {
            session.EndedAt = now;
            session.EndedReason = reason;
            db.AuditEvent("session_ended", "session", session.Id.ToString(), actor.UserId, actor.Name,
                new Dictionary<string, string?> { ["userId"] = userId.ToString(), ["reason"] = reason });
        }
        return sessions.Count;
    }

    private bool IsExpired(ConsoleSession session, DateTimeOffset now)
    {
        var settings = options.CurrentValue;
        return now - session.LastSeenAt > settings.IdleTimeout || now - session.CreatedAt > settings.MaxLifetime;
    }
}
