using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Steady.Core;
using Steady.Core.Accounts;
using Steady.Server.Data;
using Steady.Server.Features.Accounts;
using Steady.Server.Features.Teams;

namespace Steady.Server.Features.Users;

public sealed record UserInput(string Name, string Email, string? TimeZone = null, bool IsAdmin = false, string? Password = null);

public sealed record UserPatch(string? Name = null, string? Email = null, string? TimeZone = null, bool? IsAdmin = null, bool? Disabled = null);

/// <summary>A new password; <paramref name="RevokeTokens"/> also revokes the person's API tokens.</summary>
public sealed record PasswordInput(string NewPassword, string? CurrentPassword = null, bool RevokeTokens = false);

/// <summary>Creating and changing people. Passwords go through ASP.NET Core's PasswordHasher (PBKDF2).</summary>
public sealed class UserCommands(SteadyDb db, TimeProvider time, IPasswordHasher<User> hasher, ConsoleSessions sessions)
{
    public const string DefaultTimeZone = "Etc/UTC";

    public async Task<Outcome<User>> CreateAsync(Actor actor, UserInput input, CancellationToken cancellationToken)
    {
        if (!Permissions.CanAdministerOrganization(actor))
            return Failure.Forbidden("Only organization administrators can add users.");
        var validation = new Validation().Name("name", input.Name).Email("email", input.Email).TimeZone("timeZone", input.TimeZone ?? DefaultTimeZone);
        if (input.Password is not null)
            validation.Password("password", input.Password);
        if (validation.ToFailure() is { } invalid)
            return invalid;
        var email = User.NormalizeEmail(input.Email);
        if (await db.Users.AnyAsync(u => u.Email == email, cancellationToken))
            return Failure.Conflict($"A user with the email '{email}' already exists.");
        var user = new User
        {
            Id = Ids.New(time),
            Name = input.Name.Trim(),
            Email = email,
            TimeZone = input.TimeZone ?? DefaultTimeZone,
            IsAdmin = input.IsAdmin,
            CreatedAt = time.GetUtcNow(),
        };
        if (input.Password is not null)
            user.PasswordHash = hasher.HashPassword(user, input.Password);
        db.Users.Add(user);
        return await SaveAsync(user, cancellationToken);
    }

    public async Task<Outcome<User>> UpdateAsync(Actor actor, Guid userId, UserPatch patch, CancellationToken cancellationToken)
    {
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == userId, cancellationToken);
        if (user is null)
            return Failure.NotFound("The user");
        if (!Permissions.CanEditUser(actor, userId))
            return Failure.Forbidden("You can change only your own profile.");
        if ((patch.IsAdmin is not null || patch.Disabled is not null) && !actor.IsAdmin)
            return Failure.Forbidden("Only organization administrators can grant administration or disable accounts.");
        if (actor.UserId == userId && (patch.IsAdmin == false || patch.Disabled == true))
            return Failure.Conflict("You cannot remove your own administration or disable yourself; ask another administrator.");
        var validation = new Validation();
        if (patch.Name is not null)
            validation.Name("name", patch.Name);
        if (patch.Email is not null)
            validation.Email("email", patch.Email);
        if (patch.TimeZone is not null)
            validation.TimeZone("timeZone", patch.TimeZone);
        if (validation.ToFailure() is { } invalid)
            return invalid;
        if (patch.Email is not null)
        {
            var email = User.NormalizeEmail(patch.Email);
            if (await db.Users.AnyAsync(u => u.Email == email && u.Id != userId, cancellationToken))
                return Failure.Conflict($"A user with the email '{email}' already exists.");
            user.Email = email;
        }
        if (patch.Name is not null)
            user.Name = patch.Name.Trim();
        if (patch.TimeZone is not null)
            user.TimeZone = patch.TimeZone;
        if (patch.IsAdmin is { } isAdmin)
            user.IsAdmin = isAdmin;
        if (patch.Disabled is { } disabled)
            user.DisabledAt = disabled ? user.DisabledAt ?? time.GetUtcNow() : null;
        return await SaveAsync(user, cancellationToken);
    }

    /// <summary>
    /// Sets a password and ends the person's console sessions but <paramref name="keepSession"/> (the one the change
    /// was made in), in the same transaction; with <see cref="PasswordInput.RevokeTokens"/> their API tokens too.
    /// </summary>
    public async Task<Outcome<User>> ChangePasswordAsync(Actor actor, Guid userId, PasswordInput input, CancellationToken cancellationToken, Guid? keepSession = null)
    {
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == userId, cancellationToken);
        if (user is null)
            return Failure.NotFound("The user");
        if (!Permissions.CanEditUser(actor, userId))
            return Failure.Forbidden("You can change only your own password.");
        var changingOwn = actor.UserId == userId;
        if (changingOwn && user.PasswordHash is not null
            && (input.CurrentPassword is null || hasher.VerifyHashedPassword(user, user.PasswordHash, input.CurrentPassword) == PasswordVerificationResult.Failed))
            return Failure.Invalid("currentPassword", "The current password is not correct.");
        if (new Validation().Password("newPassword", input.NewPassword).ToFailure() is { } invalid)
            return invalid;
        user.PasswordHash = hasher.HashPassword(user, input.NewPassword);
        if (changingOwn)
            user.MustChangePassword = false;
        await sessions.MarkEndedAsync(actor, userId, null, keepSession, "password changed", cancellationToken);
        if (input.RevokeTokens)
        {
            var now = time.GetUtcNow();
            foreach (var token in await db.ApiTokens.Where(t => t.UserId == userId && t.RevokedAt == null).ToListAsync(cancellationToken))
                token.RevokedAt = now;
        }
        await db.SaveChangesAsync(cancellationToken);
        return user;
    }

    /// <summary>The user for an email and password, or null: the same answer for an unknown email and a wrong password.</summary>
    public async Task<User?> VerifyPasswordAsync(string email, string password, CancellationToken cancellationToken)
    {
        var normalized = User.NormalizeEmail(email);
        var user = await db.Users.FirstOrDefaultAsync(u => u.Email == normalized, cancellationToken);
        if (user?.PasswordHash is null || user.DisabledAt is not null)
        {
            hasher.HashPassword(new User { Name = "", Email = "", TimeZone = "" }, password); // spend the same time either way
            return null;
        }
        var result = hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        if (result == PasswordVerificationResult.Failed)
            return null;
        if (result == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user.PasswordHash = hasher.HashPassword(user, password);
            await db.SaveChangesAsync(cancellationToken);
        }
        return user;
    }

    private async Task<Outcome<User>> SaveAsync(User user, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return user;
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            return Failure.Conflict($"A user with the email '{user.Email}' already exists.");
        }
    }
}
