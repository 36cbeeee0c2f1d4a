using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Steady.Server.Features.Paging;
using Steady.Server.Infrastructure;

namespace Steady.Server.Tests;

/// <summary>The one base of links (<see cref="PublicUrls"/>): Steady:PublicUrl, and what stands in for it where it is not set.</summary>
public sealed class PublicUrlTests
{
    [Fact]
    public async Task TheConfiguredPublicUrlIsTheBaseOfAckLinksAndFeedsWithoutItsTrailingSlash()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var host = await SteadyHost.StartAsync(b => b.UseSetting("Steady:PublicUrl", "https://steady.example.com/"));
        var (ana, _) = await host.CreateUserAsync("Ana");

        var feed = await (await host.Admin().PostAsync($"/api/v1/users/{ana}/calendar-feed", null, cancel)).Content.ReadFromJsonAsync<JsonElement>(cancel);
        Assert.StartsWith("https://steady.example.com/ical/users/", feed.GetProperty("url").GetString(), StringComparison.Ordinal);
        var ack = await host.Services.GetRequiredService<AckLinks>().UrlAsync(LinkAction.Acknowledge, Guid.NewGuid(), host.Clock.GetUtcNow().AddHours(1), cancel);
        Assert.StartsWith("https://steady.example.com/ack/", ack.ToString(), StringComparison.Ordinal);
        var urls = host.Services.GetRequiredService<PublicUrls>();
        Assert.Equal(("https://steady.example.com", "https://steady.example.com"), (urls.Configured, urls.Base()));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("  ")]
    public async Task WithoutOneAckLinksUseTheServersAddressAndFeedsTheHostTheRequestCameTo(string? configured)
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var host = await SteadyHost.StartAsync(b =>
        {
            if (configured is not null)
                b.UseSetting("Steady:PublicUrl", configured);
        });
        var (ana, _) = await host.CreateUserAsync("Ana");
        var server = host.BaseAddress.ToString().TrimEnd('/');

        var feed = await (await host.Admin().PostAsync($"/api/v1/users/{ana}/calendar-feed", null, cancel)).Content.ReadFromJsonAsync<JsonElement>(cancel);
        Assert.StartsWith($"{server}/ical/users/", feed.GetProperty("url").GetString(), StringComparison.Ordinal);
        var ack = await host.Services.GetRequiredService<AckLinks>().UrlAsync(LinkAction.Resolve, Guid.NewGuid(), host.Clock.GetUtcNow().AddHours(1), cancel);
        Assert.StartsWith($"{server}/resolve/", ack.ToString(), StringComparison.Ordinal);
        var urls = host.Services.GetRequiredService<PublicUrls>();
        Assert.Null(urls.Configured);
        Assert.Equal(server, urls.Base());
    }
}
