using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Steady.Server.Features.Shell;

/// <summary>
/// A console request naming no handler its page has (POST /teams/{id}?handler=nope, or a verb the page
/// does not answer) is a 404. Razor Pages would otherwise render the page without running any handler,
/// with nothing loaded: a 500 on every detail page.
/// </summary>
public sealed class UnknownHandlers : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        if (context.HandlerMethod is null && context.ActionDescriptor.HandlerMethods.Count > 0)
        {
            context.Result = new NotFoundResult();
            return;
        }
        await next();
    }
}
