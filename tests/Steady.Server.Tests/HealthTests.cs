using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Steady.Server.Infrastructure;

namespace Steady.Server.Tests;

public sealed class HealthTests : IAsyncLifetime
{
    private SteadyHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await SteadyHost.StartAsync();

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task HealthzAnswersWithoutCredentials()
    {
        var response = await _host.Anonymous().GetAsync("/healthz", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task ReadyzReportsTheDatabaseAndTheCurrentSchemaVersion()
    {
        var ready = await _host.Anonymous().GetFromJsonAsync<JsonElement>("/readyz", TestContext.Current.CancellationToken);
        Assert.Equal("ready", ready.GetProperty("status").GetString());
        Assert.Equal(_host.Database.Provider, ready.GetProperty("database").GetString());
        Assert.Equal(ready.GetProperty("expectedSchemaVersion").GetInt32(), ready.GetProperty("schemaVersion").GetInt32());
    }

    [Fact]
    public async Task MetricsAreInPrometheusTextFormatWithRequestAndDatabaseMetrics()
    {
        var client = _host.Admin();
        await client.GetAsync("/api/v1/teams", TestContext.Current.CancellationToken);
        var response = await client.GetAsync("/metrics", TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("# TYPE http_request_duration_seconds histogram", text);
        Assert.Contains("steady_db_command_duration_seconds_count", text);
    }

    [Fact]
    public async Task MetricsLeaveOutTheEventCounterMirrors()
    {
        var response = await _host.Anonymous().GetAsync("/metrics", TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("process_working_set_bytes", text);
        // prometheus-net registers this one when it starts mirroring EventCounters (enabling their event sources).
        Assert.DoesNotContain("prometheus_net_eventcounteradapter_sources_connected_total", text);
    }

    [Fact]
    public async Task MemoryIsTrimmedAMinuteAfterStartThenEveryMinute()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "malloc_trim is glibc's");
        var trimmer = _host.Services.GetServices<IHostedService>().OfType<NativeMemoryTrimmer>().Single();
        Assert.Equal(0, trimmer.Passes);
        await _host.AdvanceAsync(NativeMemoryTrimmer.FirstAfter);
        await Incidents.IncidentWorld.EventuallyAsync(() => trimmer.Passes == 1 ? "" : null, "the first trim");
        await _host.AdvanceAsync(NativeMemoryTrimmer.Every - TimeSpan.FromSeconds(1));
        Assert.Equal(1, trimmer.Passes);
        await _host.AdvanceAsync(TimeSpan.FromSeconds(1));
        await Incidents.IncidentWorld.EventuallyAsync(() => trimmer.Passes == 2 ? "" : null, "the second trim");
    }

    [Theory]
    [InlineData(true, 20, 500, true)] // the first pass: start-up's garbage, however much it allocated
    [InlineData(false, 20, 12, true)] // an idle minute (~12 MB of ticks)
    [InlineData(false, 20, 32, true)]
    [InlineData(false, 20, 33, false)] // busy: left to the GC
    [InlineData(false, 64, 1, false)] // a large heap is never paused for
    [InlineData(true, 64, 1, false)]
    public void TheManagedHeapIsCollectedOnlyWhenSmallAndAtStartOrQuiet(bool firstPass, long heapMiB, long allocatedMiB, bool collects) =>
        Assert.Equal(collects, NativeMemoryTrimmer.ShouldCollect(firstPass, heapMiB << 20, allocatedMiB << 20));

    [Fact]
    public async Task OpenApiDocumentDescribesTheApi()
    {
        var document = await _host.Anonymous().GetFromJsonAsync<JsonElement>("/openapi/v1.json", TestContext.Current.CancellationToken);
        var paths = document.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/v1/services", out _));
        Assert.True(paths.TryGetProperty("/api/v1/services/{service}/integration-keys", out _));
        Assert.True(paths.TryGetProperty("/api/v1/audit", out _));
    }
}
