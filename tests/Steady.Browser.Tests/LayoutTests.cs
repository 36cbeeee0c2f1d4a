using Microsoft.Playwright;
using Steady.Server.Tests;

namespace Steady.Browser.Tests;

/// <summary>
/// Every console page, over the demo organization with a living incident, at a phone's 390×844
/// and a laptop's 1366×900, in light and dark mode: nothing may stick out of the viewport or be cut
/// off inside a box that hides its overflow, and every badge must be readable (WCAG AA, 4.5:1,
/// computed from the colours the browser actually paints).
/// </summary>
public sealed class LayoutTests(Chromium chromium) : IClassFixture<Chromium>, IAsyncLifetime
{
    private SteadyHost _host = null!;
    private readonly List<string> _pages = [];

    public async ValueTask InitializeAsync()
    {
        if (Chromium.MissingReason is not null)
            return;
        _host = await SteadyHost.StartAsync();
        _pages.AddRange(await DemoWorld.PagesAsync(_host));
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
            await _host.DisposeAsync();
    }

    /// <summary>
    /// In the page: every visible element that sticks out of the viewport (unless a scrolling box
    /// holds it; on a wide screen nothing may need that scrolling either), every element cut off by an ancestor that hides overflow (unless it ellipsizes on
    /// purpose), a top bar wrapping to a second row, emoji glyphs, a missing favicon, and every badge whose text falls under 4.5:1 against what is painted behind it.
    /// </summary>
    private const string Inspect = """
        () => {
          const problems = [];
          const width = document.documentElement.clientWidth;
          const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : '')
            + ' "' + (el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 40) + '"';
          const visible = el => { const s = getComputedStyle(el); const r = el.getBoundingClientRect(); return s.visibility !== 'hidden' && s.display !== 'none' && r.width > 0 && r.height > 0; };
          if (document.documentElement.scrollWidth > width) problems.push('the page scrolls sideways: ' + document.documentElement.scrollWidth + ' > ' + width);
          for (const el of document.body.querySelectorAll('*')) {
            if (!visible(el) || el.closest('details:not([open]) > :not(summary)')) continue;
            const r = el.getBoundingClientRect();
            let clip = null, scroller = false;
            for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
              const ox = getComputedStyle(a).overflowX;
              if (ox === 'auto' || ox === 'scroll') { scroller = true; break; }
              if ((ox === 'hidden' || ox === 'clip') && !clip) clip = a;
            }
            const ox = getComputedStyle(el).overflowX;
            if (width >= 1200 && (ox === 'auto' || ox === 'scroll') && el.scrollWidth > el.clientWidth + 1) problems.push('scrolls sideways inside its box on a wide screen: ' + name(el));
            if (!scroller && (r.right > width + 1 || r.left < -1)) problems.push('sticks out of the viewport (' + Math.round(r.left) + '..' + Math.round(r.right) + ' of ' + width + '): ' + name(el));
            if (clip && getComputedStyle(el).textOverflow !== 'ellipsis' && getComputedStyle(el.parentElement).textOverflow !== 'ellipsis') {
              const c = clip.getBoundingClientRect();
              if (r.right > c.right + 1 || r.left < c.left - 1) problems.push('cut off by ' + name(clip).slice(0, 40) + ': ' + name(el));
            }
          }
          const emoji = /\p{Extended_Pictographic}/u;
          const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          for (let n = walker.nextNode(); n; n = walker.nextNode())
            if (emoji.test(n.nodeValue)) problems.push('an emoji glyph (drawn as an empty box without an emoji font): "' + n.nodeValue.trim().slice(0, 40) + '"');
          const navTops = [...document.querySelectorAll('.topbar > *, .nav-wide > *')].filter(visible).map(e => Math.round(e.getBoundingClientRect().top + e.getBoundingClientRect().height / 2));
          if (navTops.length && Math.max(...navTops) - Math.min(...navTops) > 8) problems.push('the top bar wraps to more than one row');
          if (!document.querySelector('link[rel=icon]')) problems.push('no favicon');
          const canvas = document.createElement('canvas'); canvas.width = canvas.height = 1;
          const ctx = canvas.getContext('2d', { willReadFrequently: true });
          const rgba = css => { ctx.clearRect(0, 0, 1, 1); ctx.fillStyle = '#000'; ctx.fillStyle = css; ctx.fillRect(0, 0, 1, 1); const d = ctx.getImageData(0, 0, 1, 1).data; return [d[0], d[1], d[2], d[3] / 255]; };
          const over = (top, under) => [0, 1, 2].map(i => top[i] * top[3] + under[i] * (1 - top[3])).concat([1]);
          const behind = el => {
            const layers = [];
            for (let a = el; a; a = a.parentElement) { const c = rgba(getComputedStyle(a).backgroundColor); if (c[3] > 0) { layers.push(c); if (c[3] >= 1) break; } }
            let color = [255, 255, 255, 1];
            for (const layer of layers.reverse()) color = over(layer, color);
            return color;
          };
          const luminance = c => { const [r, g, b] = c.slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
          for (const el of document.querySelectorAll('.sev, .status, .pill, .delivery, .overdue, .gap-text')) {
            if (!visible(el) || !el.textContent.trim()) continue;
            const back = behind(el);
            const fore = over(rgba(getComputedStyle(el).color), back);
            const [l1, l2] = [luminance(fore), luminance(back)].sort((a, b) => b - a);
            const ratio = (l1 + 0.05) / (l2 + 0.05);
            if (ratio < 4.5) problems.push('badge contrast ' + ratio.toFixed(2) + ':1 under 4.5:1: ' + name(el));
          }
          return problems;
        }
        """;

    /// <summary>The pages kept as screenshots (artifacts/screenshots; the best are copied to docs/screenshots).</summary>
    private static readonly Dictionary<string, string> Shots = new()
    {
        ["/"] = "home", ["/alerts"] = "alerts", ["/audit"] = "audit", ["/incidents"] = "incidents", ["/incidents/1/postmortem"] = "postmortem", ["/action-items"] = "action-items",
        ["/silences"] = "silences", ["/maintenance"] = "maintenance", ["/deliveries"] = "deliveries", ["/schedules/edit"] = "schedule-new", ["/policies/edit"] = "policy-new",
        ["/reports"] = "reports-response", ["/reports/oncall?team=Payments"] = "reports-oncall", ["/reports/noise"] = "reports-noise",
        ["/status-pages"] = "status-pages", ["/status-pages/acme"] = "status-page-console", ["/status"] = "status-public", ["/status/subscribe"] = "status-subscribe",
    };

    /// <summary>A page's screenshot name: a fixed page's, or the first of a kind (a schedule, its editor, a policy's editor, a service).</summary>
    private static string? ShotOf(string path, ISet<string> taken)
    {
        if (path == DemoWorld.LivingIncidentPath)
            return "incident"; // the living SEV1 (its number follows the demo's past incidents)
        if (Shots.TryGetValue(path, out var name))
            return name;
        var kind = path switch
        {
            _ when path.StartsWith("/schedules/edit/", StringComparison.Ordinal) => "schedule-edit",
            _ when path.StartsWith("/policies/edit/", StringComparison.Ordinal) => "policy-edit",
            _ when path.StartsWith("/schedules/", StringComparison.Ordinal) => "schedule",
            _ when path.StartsWith("/services/", StringComparison.Ordinal) => "service",
            _ => null,
        };
        return kind is not null && taken.Add(kind) ? kind : null;
    }

    [Fact]
    public async Task EveryConsolePageFitsAPhoneAndALaptopInLightAndDarkWithReadableBadges()
    {
        Assert.SkipWhen(Chromium.MissingReason is not null, Chromium.MissingReason ?? "");
        var failures = new List<string>();
        foreach (var (width, height) in new[] { (390, 844), (1366, 900) })
        {
            foreach (var scheme in new[] { ColorScheme.Light, ColorScheme.Dark })
            {
                await using var context = await chromium.Browser!.NewContextAsync(new BrowserNewContextOptions
                {
                    BaseURL = _host.BaseAddress.ToString(),
                    ViewportSize = new ViewportSize { Width = width, Height = height },
                    ColorScheme = scheme,
                });
                var page = await DemoWorld.SignInAsync(context, DemoWorld.Olivia);
                var taken = new HashSet<string>();
                foreach (var path in _pages)
                {
                    var response = await page.GotoAsync(path);
                    if (response is null || !response.Ok)
                    {
                        failures.Add($"{width}×{height} {scheme} {path}: answered {response?.Status}");
                        continue;
                    }
                    foreach (var problem in await page.EvaluateAsync<string[]>(Inspect))
                        failures.Add($"{width}×{height} {scheme} {path}: {problem}");
                    if (ShotOf(path, taken) is { } shot)
                        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Chromium.ScreenshotFolder, $"{shot}-{width}-{scheme.ToString().ToLowerInvariant()}.png"), FullPage = width < 1000 });
                }
            }
        }
        Assert.True(failures.Count == 0, $"{failures.Count} layout problems:\n" + string.Join("\n", failures.Distinct().Take(200)));
    }
}
