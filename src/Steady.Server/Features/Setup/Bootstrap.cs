using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Steady.Core;
using Steady.Core.Accounts;
using Steady.Server.Data;
using Steady.Server.Features.Tokens;
using Steady.Server.Infrastructure;

namespace Steady.Server.Features.Setup;

/// <summary>
/// On an empty database: the first administrator, with a one-time printed password, or with the
/// API token from Steady:Bootstrap:AdminToken for unattended set-ups. Then the demo, when asked.
/// </summary>
public sealed partial class Bootstrap(
    SteadyDb db,
    TimeProvider time,
    IOptions<SteadyOptions> options,
    PublicUrls urls,
    IPasswordHasher<User> hasher,
    TokenCommands tokens,
    Demo demo,
    IConfiguration configuration,
    OperatorConsole console,
    ILogger<Bootstrap> logger)
{
    public const int MinimumTokenLength = 20;

    /// <summary>Takes the advisory lock (PostgreSQL) under which nodes starting at once on an empty database look for, and create, the first admin.</summary>
    private const string FirstAdminLock = "SELECT pg_advisory_xact_lock(7415202)";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var bootstrap = options.Value.Bootstrap;
        string? message = null;
        // Several nodes may start at once on an empty database: one creates the first admin, the others then find it.
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            if (!db.IsSqlite)
                await db.Database.ExecuteSqlRawAsync(FirstAdminLock, cancellationToken);
            if (!await db.Users.AnyAsync(cancellationToken))
            {
                if (bootstrap.AdminToken is { Length: > 0 } token && token.Length < MinimumTokenLength)
                    throw new StartupException($"Steady:Bootstrap:AdminToken must be at least {MinimumTokenLength} characters.");
                message = await CreateFirstAdminAsync(bootstrap, cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
        }
        if (message is not null)
            console.Out.WriteLine(message);
        if (configuration.GetValue<bool>("Steady:Demo"))
            await demo.LoadAsync(cancellationToken);
    }

    /// <summary>Creates the first admin (not yet committed); returns what to print for the person who started the server.</summary>
    private async Task<string> CreateFirstAdminAsync(BootstrapOptions bootstrap, CancellationToken cancellationToken)
    {
        var email = User.NormalizeEmail(bootstrap.AdminEmail);
        var admin = new User
        {
            Id = Ids.New(time),
            Name = bootstrap.AdminName,
            Email = email,
            TimeZone = "Etc/UTC",
            IsAdmin = true,
            CreatedAt = time.GetUtcNow(),
        };
        db.Users.Add(admin);
        string? password = null;
        if (string.IsNullOrEmpty(bootstrap.AdminToken))
        {
            password = Secrets.NewPassword();
            admin.PasswordHash = hasher.HashPassword(admin, password);
            admin.MustChangePassword = true; // printed on the console: a one-time password, changed at first sign-in
        }
        else
        {
            tokens.Issue(admin.Id, "bootstrap", bootstrap.AdminToken);
        }
        await db.SaveChangesAsync(cancellationToken);
        LogAdminCreated(logger, email, password is null ? "api-token" : "password");

        var url = urls.Configured ?? (FirstUrl() ?? SteadyApp.DefaultUrl).TrimEnd('/');
        return password is null
            ? $"""

               Steady: created the first administrator {email}.
               Its API token is the one in Steady:Bootstrap:AdminToken, e.g.
                   steady login --server {url} --token "$Steady__Bootstrap__AdminToken"

               """
            : $"""

               ================================================================
                Steady: created the first administrator. Sign in once at
                    {url}/login
                    email:    {email}
                    password: {password}
                This password is shown only now and works once: Steady asks for a new one at sign-in.
               ================================================================

               """;
    }

    private string? FirstUrl() => configuration["urls"]?.Split(';', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Replace("://+", "://127.0.0.1").Replace("://*", "://127.0.0.1").Replace("://0.0.0.0", "://127.0.0.1");

    [LoggerMessage(EventId = 110, Level = LogLevel.Warning, Message = "Created the first administrator {Email}; sign-in by {Method}")]
    private static partial void LogAdminCreated(ILogger logger, string email, string method);
}

/// <summary>The terminal of the person who started the server: where one-time sign-in details are printed, never the log.</summary>
public sealed class OperatorConsole(TextWriter output)
{
    public TextWriter Out { get; } = output;
}
