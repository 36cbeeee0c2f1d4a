using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Steady.Server.Infrastructure;

namespace Steady.Server.Features.Shell;

/// <summary>
/// A console form field whose value cannot be read as what the page takes (not a number where the form has a
/// number field, not true or false for a checkbox) was not sent by the page's own form: the post is refused with
/// a 400 naming the fields, before the handler runs. Re-rendering the page with such a value failed: a checkbox
/// cannot show "xxx" (a 500).
/// </summary>
public sealed class UnreadableFields : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var unreadable = context.ModelState.Where(e => e.Value?.ValidationState == ModelValidationState.Invalid).Select(e => e.Key).ToList();
        if (unreadable.Count > 0)
        {
            context.Result = new Refusal($"These form fields could not be read: {string.Join(", ", unreadable.Select(f => f.Length > 0 ? f : "(the form)"))}.");
            return;
        }
        await next();
    }

    private sealed class Refusal(string detail) : IActionResult
    {
        public Task ExecuteResultAsync(ActionContext context) => StatusPages.WriteAsync(context.HttpContext, StatusCodes.Status400BadRequest, detail);
    }
}
