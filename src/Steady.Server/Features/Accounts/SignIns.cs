using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Steady.Core.Accounts;
using Steady.Server.Data;

namespace Steady.Server.Features.Accounts;

/// <summary>An account (by email, known or not) or a client address that attempted to sign in lately.</summary>
public sealed class SignInThrottle
{
    public required string Subject { get; set; }

    public int Attempts { get; set; }

    public DateTimeOffset WindowStartedAt { get; set; }

    public DateTimeOffset? LockedUntil { get; set; }
}

/// <summary>One sign-in attempt under way: refused before its password is checked, or allowed to check it.</summary>
public sealed record SignInAttempt(string Email, string Address, DateTimeOffset? RefusedUntil, string? Refusal)
{
    public bool Refused => RefusedUntil is not null;
}

/// <summary>
/// Throttles sign-in and writes its audit trail. Every attempt counts against its account and its
/// client address before the password is checked (so parallel guesses cannot slip past the count)
/// and a success takes it back; <see cref="SignInThrottleOptions.MaxFailuresPerAccount"/> failures within the
/// window lock the account, <see cref="SignInThrottleOptions.MaxFailuresPerAddress"/> lock the address, for
/// <see cref="SignInThrottleOptions.Lockout"/>. Unknown emails lock exactly like known ones, so neither the
/// answers nor their timing tell which accounts exist. The counts live in the database, so every node
/// keeps the same lock. Sign-ins, failures, lockouts and sign-outs are audit entries.
/// </summary>
public sealed partial class SignIns(SteadyDb db, IOptionsMonitor<SignInThrottleOptions> options, TimeProvider time, ILogger<SignIns> logger)
{
    public const string WrongCredentials = "The email or password is not correct.";

    /// <summary>Counts an attempt against its address and account; refused when either is locked out.</summary>
    public async Task<SignInAttempt> BeginAsync(string email, string address, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var now = time.GetUtcNow();
        var normalized = User.NormalizeEmail(email ?? "");
        await db.Database.ExecuteSqlRawAsync(
            "DELETE FROM sign_in_throttles WHERE window_started_at <= {0} AND (locked_until IS NULL OR locked_until <= {1})",
            [db.Param(now - settings.Window), db.Param(now)], cancellationToken);

        if (await CountAsync(AddressSubject(address), settings.MaxFailuresPerAddress, now, cancellationToken) is { } addressLock)
        {
            if (addressLock.Started)
                await AuditAddressLockAsync(address, addressLock.Until, cancellationToken);
            return new SignInAttempt(normalized, address, addressLock.Until, "Too many failed sign-ins from your address");
        }
        if (normalized.Length > 0 && await CountAsync(AccountSubject(normalized), settings.MaxFailuresPerAccount, now, cancellationToken) is { } accountLock)
        {
            if (accountLock.Started)
                await AuditAccountLockAsync(normalized, address, accountLock.Until, cancellationToken);
            return new SignInAttempt(normalized, address, accountLock.Until, "Too many failed sign-ins for this account: it is locked");
        }
        return new SignInAttempt(normalized, address, null, null);
    }

    /// <summary>The password was wrong (or the email unknown): audited, and the account or address locked when that was one failure too many.</summary>
    public async Task<DateTimeOffset?> FailedAsync(SignInAttempt attempt, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var now = time.GetUtcNow();
        Audit("sign_in_failed", "sign_in", attempt.Email, null, "anonymous", new() { ["address"] = attempt.Address, ["reason"] = "wrong email or password" });
        DateTimeOffset? locked = null;
        if (await LockWhenSpentAsync(AddressSubject(attempt.Address), settings.MaxFailuresPerAddress, now, cancellationToken) is { } addressLock)
        {
            await AuditAddressLockAsync(attempt.Address, addressLock, cancellationToken);
            locked = addressLock;
        }
        if (attempt.Email.Length > 0 && await LockWhenSpentAsync(AccountSubject(attempt.Email), settings.MaxFailuresPerAccount, now, cancellationToken) is { } accountLock)
        {
            await AuditAccountLockAsync(attempt.Email, attempt.Address, accountLock, cancellationToken);
            locked = accountLock;
        }
        await db.SaveChangesAsync(cancellationToken);
        return locked;
    }

    /// <summary>The right password: the account's count starts over, the address gets its attempt back, and the sign-in is audited.</summary>
    public async Task SucceededAsync(SignInAttempt attempt, User user, CancellationToken cancellationToken)
    {
        await db.Database.ExecuteSqlRawAsync("DELETE FROM sign_in_throttles WHERE subject = {0}", [AccountSubject(attempt.Email)], cancellationToken);
        await db.Database.ExecuteSqlRawAsync(
            "UPDATE sign_in_throttles SET attempts = attempts - 1 WHERE subject = {0} AND attempts > 0", [AddressSubject(attempt.Address)], cancellationToken);
        Audit("signed_in", "user", user.Id.ToString(), user.Id, user.Name, new() { ["address"] = attempt.Address });
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>A person signed out of the console: audited.</summary>
    public async Task SignedOutAsync(Guid userId, string name, string address, CancellationToken cancellationToken)
    {
        Audit("signed_out", "user", userId.ToString(), userId, name, new() { ["address"] = address });
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>How a refused attempt is told: what happened and when to try again.</summary>
    public static string Explain(SignInAttempt attempt, DateTimeOffset now)
    {
        var minutes = Math.Max(1, (int)Math.Ceiling((attempt.RefusedUntil!.Value - now).TotalMinutes));
        return $"{attempt.Refusal}; try again in {minutes} minute{(minutes == 1 ? "" : "s")}.";
    }

    private Task AuditAddressLockAsync(string address, DateTimeOffset until, CancellationToken cancellationToken)
    {
        Audit("sign_in_locked", "sign_in_address", address, null, "system", new() { ["until"] = Iso(until) });
        LogAddressLocked(logger, address, until);
        return db.SaveChangesAsync(cancellationToken);
    }

    private Task AuditAccountLockAsync(string email, string address, DateTimeOffset until, CancellationToken cancellationToken)
    {
        Audit("sign_in_locked", "sign_in", email, null, "system", new() { ["address"] = address, ["until"] = Iso(until) });
        LogAccountLocked(logger, until);
        return db.SaveChangesAsync(cancellationToken);
    }

    private static string AccountSubject(string email) => "account:" + (email.Length > 320 ? email[..320] : email);

    private static string AddressSubject(string address) => "address:" + address;

    private static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    private sealed record Lock(DateTimeOffset Until, bool Started);

    /// <summary>Counts one attempt of <paramref name="subject"/>; its lock when it is locked (or this attempt is past its limit, which locks it now).</summary>
    private async Task<Lock?> CountAsync(string subject, int max, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (max <= 0)
            return null;
        var settings = options.CurrentValue;
        await db.Database.ExecuteSqlRawAsync(
            """
            INSERT INTO sign_in_throttles (subject, attempts, window_started_at, locked_until) VALUES ({0}, 1, {1}, NULL)
            ON CONFLICT (subject) DO UPDATE SET
                attempts = CASE WHEN sign_in_throttles.locked_until > {1} THEN sign_in_throttles.attempts
                                WHEN sign_in_throttles.window_started_at <= {2} THEN 1
                                ELSE sign_in_throttles.attempts + 1 END,
                window_started_at = CASE WHEN sign_in_throttles.locked_until > {1} THEN sign_in_throttles.window_started_at
                                         WHEN sign_in_throttles.window_started_at <= {2} THEN {1}
                                         ELSE sign_in_throttles.window_started_at END
            """,
            [subject, db.Param(now), db.Param(now - settings.Window)], cancellationToken);
        var row = await db.Set<SignInThrottle>().AsNoTracking().FirstAsync(t => t.Subject == subject, cancellationToken);
        if (row.LockedUntil is { } lockedUntil && lockedUntil > now)
            return new Lock(lockedUntil, Started: false);
        if (row.Attempts <= max)
            return null;
        // More attempts at once than the limit (they were all counted before any password was checked): lock now.
        var until = now + settings.Lockout;
        return new Lock(until, await LockAsync(subject, until, now, cancellationToken));
    }

    /// <summary>After a failure: locks <paramref name="subject"/> when its attempts reached <paramref name="max"/>; until when, if this call locked it.</summary>
    private async Task<DateTimeOffset?> LockWhenSpentAsync(string subject, int max, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (max <= 0)
            return null;
        var row = await db.Set<SignInThrottle>().AsNoTracking().FirstOrDefaultAsync(t => t.Subject == subject, cancellationToken);
        if (row is null || row.Attempts < max || row.LockedUntil > now)
            return null;
        var until = now + options.CurrentValue.Lockout;
        return await LockAsync(subject, until, now, cancellationToken) ? until : null;
    }

    /// <summary>Locks <paramref name="subject"/> until <paramref name="until"/> unless it is locked already; true when this call's lock holds.</summary>
    private async Task<bool> LockAsync(string subject, DateTimeOffset until, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await db.Database.ExecuteSqlRawAsync(
            "UPDATE sign_in_throttles SET locked_until = {0}, attempts = 0, window_started_at = {1} WHERE subject = {2} AND (locked_until IS NULL OR locked_until <= {1})",
            [db.Param(until), db.Param(now), subject], cancellationToken);
        // Read back rather than trust the count of changed rows: when two nodes lock at once, the lock that holds is the one audited.
        var row = await db.Set<SignInThrottle>().AsNoTracking().FirstOrDefaultAsync(t => t.Subject == subject, cancellationToken);
        return row?.LockedUntil == until;
    }

    private void Audit(string action, string entityType, string entityId, Guid? actorId, string actorName, Dictionary<string, string?> details) =>
        db.AuditEvent(action, entityType, entityId.Length > 320 ? entityId[..320] : entityId, actorId, actorName, details);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Warning, Message = "Sign-in locked out for client address {Address} until {Until} after repeated failures")]
    private static partial void LogAddressLocked(ILogger logger, string address, DateTimeOffset until);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Warning, Message = "An account's sign-in locked until {Until} after repeated failures (see the audit log)")]
    private static partial void LogAccountLocked(ILogger logger, DateTimeOffset until);
}
