using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Steady.Server.Features.Shell;

/// <summary>
/// A console request naming a handler its page does not have (POST /teams/{id}?handler=nope), or using a verb
/// the page does not answer, is a 404. Razor Pages would otherwise run the page's unnamed handler instead, or
/// none at all and render the page with nothing loaded: a 500 on every detail page.
/// </summary>
public sealed class UnknownHandlers : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var asked = context.RouteData.Values["handler"] as string ?? context.HttpContext.Request.Query["handler"].FirstOrDefault();
        var unknown = context.HandlerMethod is null
            ? context.ActionDescriptor.HandlerMethods.Count > 0
            : !string.IsNullOrEmpty(asked) && !string.Equals(context.HandlerMethod.Name, asked, StringComparison.OrdinalIgnoreCase);
        if (unknown)
        {
            context.Result = new NotFoundResult();
            return;
        }
        await next();
    }
}
