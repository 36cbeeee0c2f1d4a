using Microsoft.AspNetCore.Http.Features;

namespace Steady.Server.Infrastructure;

/// <summary>
/// A request whose declared body is over the limit (<see cref="ErrorHandling.MaxBodyBytes"/>) is answered 413 with a
/// problem detail only after its body has been read and thrown away, up to <see cref="DrainBytes"/>. Kestrel alone
/// stops reading and closes the connection with the rest of the body unread, which resets it: a client still sending
/// then often gets "connection reset" instead of the 413 (dotnet/runtime#69048, dotnet/aspnetcore#23840) — the intake
/// 413 test saw it once on a loaded machine. Bodies declared beyond DrainBytes are cut off as before: reading them
/// would let anyone keep the server reading.
/// </summary>
public static class OversizedBodies
{
    public const long DrainBytes = 8 * ErrorHandling.MaxBodyBytes;

    public static IApplicationBuilder UseOversizedBodies(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.Request.ContentLength is not { } length || length <= ErrorHandling.MaxBodyBytes || length > DrainBytes)
        {
            await next(context);
            return;
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = DrainBytes;
        try
        {
            await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted);
        }
        catch (Exception e) when (e is IOException or BadHttpRequestException or OperationCanceledException)
        {
            return; // the client went away, or sent more than it declared: nobody is left to answer
        }
        throw new BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge);
    });
}
