using Microsoft.AspNetCore.Http.HttpResults;
using Steady.Core.Accounts;
using Steady.Server.Data;
using Steady.Server.Infrastructure;

namespace Steady.Server.Features.Backups;

public static class BackupApi
{
    public static RouteGroupBuilder MapBackupApi(this RouteGroupBuilder api)
    {
        api.MapPost("/backups", Create).WithTags("Backups").WithSummary("Write a consistent copy of the database into the backup folder (organization admins)");
        api.MapGet("/backups/{name}/check", Check).WithTags("Backups").WithSummary("Open a backup and check its integrity, schema version and row counts (organization admins)");
        return api;
    }

    private static async Task<Results<Ok<BackupDto>, ProblemHttpResult>> Create(
        SteadyDb db, ActorAccessor actors, BackupFiles backups, Microsoft.Extensions.Options.IOptions<BackupOptions> options, WakeSignal<BackupWorker> worker,
        TimeProvider time, CancellationToken cancellationToken)
    {
        var actor = await actors.RequireAsync(cancellationToken);
        if (!Permissions.CanAdministerOrganization(actor))
            return Problems.Forbidden("Only organization administrators can back up the database.");
        BackupDto backup;
        try
        {
            backup = await backups.WriteAsync(cancellationToken);
        }
        catch (BackupException e)
        {
            await BackupRecords.FailedAsync(db, e.Message, time.GetUtcNow(), null, options.Value.Interval, cancellationToken);
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status503ServiceUnavailable, title: "The backup failed.");
        }
        // The last good backup, whoever took it: /metrics, the console and the overdue alert count this one too.
        await BackupRecords.SucceededAsync(db, backup, time.GetUtcNow(), options.Value.Interval, cancellationToken);
        worker.Wake();
        db.AuditEvent("backed_up", "database", backup.File, actor.UserId, actor.Name, new Dictionary<string, string?>
        {
            ["file"] = backup.File,
            ["bytes"] = backup.Bytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(backup);
    }

    private static async Task<Results<Ok<BackupCheckDto>, ProblemHttpResult>> Check(
        string name, ActorAccessor actors, BackupFiles backups, CancellationToken cancellationToken)
    {
        if (!Permissions.CanAdministerOrganization(await actors.RequireAsync(cancellationToken)))
            return Problems.Forbidden("Only organization administrators can check backups.");
        try
        {
            return TypedResults.Ok(await backups.CheckAsync(name, cancellationToken));
        }
        catch (BackupException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status422UnprocessableEntity, title: "Not a usable backup.");
        }
    }
}
