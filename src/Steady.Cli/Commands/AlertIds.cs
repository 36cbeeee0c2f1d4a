using System.Text.Json;
using Steady.Cli.Api;

namespace Steady.Cli.Commands;

/// <summary>
/// Finds the alert a person meant by an id they typed: a full id is taken as it is; a short one
/// (as a table shows it, or part of it) is looked for among the open alerts, then among the 500 newest.
/// Each list is fetched at most once per command, however many ids it was given.
/// </summary>
internal sealed class AlertIds(ApiClient api)
{
    private const int MaxOpen = 10_000;
    private const int Recent = 500;

    private List<Guid>? _open;
    private List<Guid>? _recent;

    /// <summary>The alert's id, or why no single alert is meant (a one-line reason).</summary>
    public async Task<(Guid? Id, string? Error)> ResolveAsync(string typed, CancellationToken cancellationToken)
    {
        var (full, part, error) = ShortId.Parse(typed);
        if (full is { } id)
            return (id, null);
        if (error is not null)
            return (null, error);
        _open ??= await IdsAsync($"alerts?status=open&limit={Recent}", MaxOpen, cancellationToken);
        var matches = _open.Where(i => ShortId.Has(i, part!)).ToList();
        if (matches.Count == 0)
        {
            _recent ??= await IdsAsync($"alerts?status=all&limit={Recent}", Recent, cancellationToken);
            matches = _recent.Where(i => ShortId.Has(i, part!)).ToList();
        }
        return matches.Count switch
        {
            1 => (matches[0], null),
            0 => (null, $"no open alert, nor any of the {Recent} newest, has an id with '{part}' in it; give the full id (see 'steady alert list --status all --json')"),
            _ => (null, ShortId.Ambiguous(matches, "alert", part!)),
        };
    }

    public async Task<Guid> ResolveOrThrowAsync(string typed, CancellationToken cancellationToken)
    {
        var (id, error) = await ResolveAsync(typed, cancellationToken);
        return id ?? throw new CliException(error!);
    }

    private async Task<List<Guid>> IdsAsync(string path, int max, CancellationToken cancellationToken) =>
        (await api.GetAllAsync(path, max, cancellationToken))
            .Select(a => a.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String && id.TryGetGuid(out var guid) ? guid : Guid.Empty)
            .Where(g => g != Guid.Empty)
            .ToList();
}
