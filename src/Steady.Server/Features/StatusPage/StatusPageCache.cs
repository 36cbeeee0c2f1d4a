using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Steady.Core.StatusPage;
using Steady.Server.Data;

namespace Steady.Server.Features.StatusPage;

/// <summary>
/// The status pages as this node last read them, so a crowd reloading the page during an outage costs
/// no database work. A change made on this node drops the readings at once (<see cref="Invalidate"/>);
/// a change made on another node moves the page's <c>changed_at</c>, which each node compares at most
/// once a second. A reading is also rebuilt every minute so today's bar keeps growing. Artefacts (the
/// v2 JSON, the feeds) are rendered once per reading, with their ETag.
/// </summary>
public sealed class StatusPageCache(IServiceScopeFactory scopes, TimeProvider time)
{
    public static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan RebuildEvery = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _building = new(1, 1);
    private long _generation;

    public void Invalidate() => Interlocked.Increment(ref _generation);

    /// <summary>Moves with every change made on this node.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    /// <summary>The snapshot of the page (default when <paramref name="slug"/> is empty), or null when there is no such page.</summary>
    public async Task<Reading?> GetAsync(string? slug, CancellationToken cancellationToken)
    {
        var key = string.IsNullOrEmpty(slug) ? "" : slug.ToLowerInvariant();
        var now = time.GetUtcNow();
        var generation = Interlocked.Read(ref _generation);
        if (_entries.TryGetValue(key, out var entry) && entry.Generation == generation && now - entry.CheckedAt < CheckEvery && now - entry.Reading.Snapshot.BuiltAt < RebuildEvery)
            return entry.Reading;

        await _building.WaitAsync(cancellationToken);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<SteadyDb>();
            generation = Interlocked.Read(ref _generation);
            var pages = db.Set<PublicStatusPage>().AsNoTracking();
            var page = await (key == "" ? pages.Where(p => p.IsDefault) : pages.Where(p => p.Slug == key)).FirstOrDefaultAsync(cancellationToken);
            if (page is null)
            {
                _entries.TryRemove(key, out _);
                return null;
            }
            if (_entries.TryGetValue(key, out entry) && entry.Generation == generation && entry.Reading.Snapshot.Page.ChangedAt == page.ChangedAt
                && entry.Reading.Snapshot.Page.Id == page.Id && now - entry.Reading.Snapshot.BuiltAt < RebuildEvery)
            {
                _entries[key] = entry with { CheckedAt = now };
                return entry.Reading;
            }
            var reading = new Reading(await StatusPageSnapshot.BuildAsync(db, page, now, cancellationToken));
            _entries[key] = new Entry(reading, generation, now);
            return reading;
        }
        finally
        {
            _building.Release();
        }
    }

    private sealed record Entry(Reading Reading, long Generation, DateTimeOffset CheckedAt);

    /// <summary>One reading of a page and what is rendered from it, each once: the JSON and feeds, and the HTML pages as first rendered.</summary>
    public sealed class Reading(StatusPageSnapshot snapshot)
    {
        private const int MaxKept = 1000;
        private readonly ConcurrentDictionary<string, Rendered> _rendered = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, byte[]> _kept = new(StringComparer.Ordinal);

        /// <summary>An HTML page as it was rendered from this reading, to answer the next visitors with.</summary>
        public bool TryGetKept(string name, out byte[] bytes) => _kept.TryGetValue(name, out bytes!);

        /// <summary>Keeps a rendered page (a bounded number per reading: pages and incident pages, never per visitor).</summary>
        public void Keep(string name, byte[] bytes)
        {
            if (_kept.Count < MaxKept)
                _kept.TryAdd(name, bytes);
        }

        public StatusPageSnapshot Snapshot { get; } = snapshot;

        public Rendered Render(string name, Func<StatusPageSnapshot, byte[]> render) =>
            _rendered.GetOrAdd(name, _ =>
            {
                var bytes = render(Snapshot);
                return new Rendered(bytes, "\"" + Convert.ToHexStringLower(SHA256.HashData(bytes))[..32] + "\"");
            });
    }

    public sealed record Rendered(byte[] Bytes, string ETag);
}
