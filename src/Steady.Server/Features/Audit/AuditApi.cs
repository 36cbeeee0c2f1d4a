using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Steady.Core.Accounts;
using Steady.Core.Audit;
using Steady.Server.Data;
using Steady.Server.Features.Accounts;
using Steady.Server.Infrastructure;

namespace Steady.Server.Features.Audit;

public sealed record AuditEntryDto(Guid Id, DateTimeOffset At, Guid? ActorId, string ActorName, string Action, string EntityType, string EntityId, JsonElement Changes)
{
    /// <summary>The entry with its enum values by name, also in entries written before they were stored so (<see cref="AuditWriter.Readable"/>).</summary>
    public static AuditEntryDto From(AuditEntry entry, IModel model) =>
        new(entry.Id, entry.At, entry.ActorId, entry.ActorName, entry.Action, entry.EntityType, entry.EntityId,
            JsonDocument.Parse(AuditWriter.Readable(model, entry.EntityType, entry.Changes)).RootElement.Clone());
}

public static class AuditApi
{
    public static RouteGroupBuilder MapAuditApi(this RouteGroupBuilder api)
    {
        api.MapGet("/audit", List).WithTags("Audit").WithSummary("The audit log, newest first (organization admins)");
        return api;
    }

    /// <summary>Newest first; filter by entity type, entity id or actor; the cursor continues to older entries.</summary>
    private static async Task<Results<Ok<Page<AuditEntryDto>>, ProblemHttpResult>> List(
        SteadyDb db, ActorAccessor actors, string? entityType, string? entityId, Guid? actorId, int? limit, Guid? cursor, CancellationToken cancellationToken)
    {
        if (!Permissions.CanReadAudit(await actors.RequireAsync(cancellationToken)))
            return Problems.Forbidden("Only organization administrators can read the audit log.");
        var take = Pagination.Limit(limit);
        var query = db.AuditEntries.AsNoTracking();
        if (!string.IsNullOrEmpty(entityType))
            query = query.Where(e => e.EntityType == entityType);
        if (!string.IsNullOrEmpty(entityId))
            query = query.Where(e => e.EntityId == entityId);
        if (actorId is { } actor)
            query = query.Where(e => e.ActorId == actor);
        if (cursor is { } before)
            query = query.Where(e => e.Id.CompareTo(before) < 0);
        var rows = await query.OrderByDescending(e => e.Id).Take(take + 1).ToListAsync(cancellationToken);
        return TypedResults.Ok(Pagination.Of(rows.Select(e => AuditEntryDto.From(e, db.Model)).ToList(), take, e => e.Id));
    }
}
