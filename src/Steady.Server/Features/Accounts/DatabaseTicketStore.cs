using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Steady.Server.Features.Accounts;

/// <summary>
/// The console cookie's session store: the cookie carries only a reference to a row of <see cref="ConsoleSessions"/>,
/// so a session ends everywhere the moment its row does. The cookie handler calls the overloads that pass the request.
/// </summary>
public sealed class DatabaseTicketStore : ITicketStore
{
    public Task<string> StoreAsync(AuthenticationTicket ticket, HttpContext httpContext, CancellationToken cancellationToken) =>
        Sessions(httpContext).StartAsync(ticket, httpContext, cancellationToken);

    public Task<AuthenticationTicket?> RetrieveAsync(string key, HttpContext httpContext, CancellationToken cancellationToken) =>
        Sessions(httpContext).ResolveAsync(key, cancellationToken);

    /// <summary>The session's row is the truth (last seen, expiry): nothing to renew.</summary>
    public Task RenewAsync(string key, AuthenticationTicket ticket, HttpContext httpContext, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task RemoveAsync(string key, HttpContext httpContext, CancellationToken cancellationToken) =>
        Sessions(httpContext).EndByKeyAsync(key, cancellationToken);

    public Task<string> StoreAsync(AuthenticationTicket ticket) => throw RequestNeeded();

    public Task RenewAsync(string key, AuthenticationTicket ticket) => Task.CompletedTask;

    public Task<AuthenticationTicket?> RetrieveAsync(string key) => throw RequestNeeded();

    public Task RemoveAsync(string key) => throw RequestNeeded();

    private static ConsoleSessions Sessions(HttpContext http) => http.RequestServices.GetRequiredService<ConsoleSessions>();

    private static NotSupportedException RequestNeeded() => new("Console sessions are stored and read within a request.");
}
