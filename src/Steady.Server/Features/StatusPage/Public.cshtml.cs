using Microsoft.AspNetCore.Mvc;

namespace Steady.Server.Features.StatusPage;

/// <summary>The public status page: the default at /status, the others at /status/{slug}. Open to anyone, no JavaScript.</summary>
[Microsoft.AspNetCore.Authorization.AllowAnonymous]
public sealed class PublicModel(StatusPageCache cache) : PublicPage(cache)
{
    public async Task<IActionResult> OnGetAsync(string? slug) => await ReadAsync(slug) ?? RenderOnce();
}
