using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Steady.Core.Accounts;
using Steady.Server.Data;
using Steady.Server.Features.Accounts;
using Steady.Server.Infrastructure;

namespace Steady.Server.Features.SecretKeys;

public sealed record DataKeyDto(string Id, DateTimeOffset CreatedAt, DateTimeOffset? RetiredAt);

/// <summary>Which keys protect the stored secrets: the master key's id (a fingerprint, never the key) and the data keys.</summary>
public sealed record SecretsStatusDto(string MasterKeyId, string DataKeyId, IReadOnlyList<DataKeyDto> DataKeys);

public sealed record RotationDto(string DataKeyId, string MasterKeyId, int Reencrypted, IReadOnlyList<string> RetiredDataKeys);

/// <summary>The keys of the secrets stored in the database (docs/security.md): seen and rotated by organization admins.</summary>
public static class SecretsApi
{
    public static RouteGroupBuilder MapSecretsApi(this RouteGroupBuilder api)
    {
        var secrets = api.MapGroup("/secrets").WithTags("Secrets");
        secrets.MapGet("/", Status).WithSummary("The keys protecting the stored secrets: the master key's id and the data keys (organization admins)");
        secrets.MapPost("/rotate", Rotate).WithSummary("Encrypt every stored secret again under a new data key (organization admins; audited)");
        return api;
    }

    private static async Task<Results<Ok<SecretsStatusDto>, ProblemHttpResult>> Status(SteadyDb db, SecretKeyring keyring, ActorAccessor actors, CancellationToken cancellationToken)
    {
        if (!Permissions.CanAdministerOrganization(await actors.RequireAsync(cancellationToken)))
            return Problems.Forbidden("Only organization admins can see the keys of the stored secrets.");
        var keys = (await db.SecretKeys.AsNoTracking().ToListAsync(cancellationToken))
            .OrderByDescending(k => k.CreatedAt).Select(k => new DataKeyDto(k.Id, k.CreatedAt, k.RetiredAt)).ToList();
        return TypedResults.Ok(new SecretsStatusDto(keyring.MasterKeyId, keys.FirstOrDefault(k => k.RetiredAt is null)?.Id ?? keyring.CurrentKeyId, keys));
    }

    private static async Task<Results<Ok<RotationDto>, ProblemHttpResult>> Rotate(SteadyDb db, SecretKeyring keyring, ActorAccessor actors, TimeProvider time, CancellationToken cancellationToken)
    {
        var actor = await actors.RequireAsync(cancellationToken);
        if (!Permissions.CanAdministerOrganization(actor))
            return Problems.Forbidden("Only organization admins can rotate the key of the stored secrets.");
        var rotation = await SecretStore.RotateAsync(db, keyring, time, actor.UserId, actor.Name, cancellationToken);
        return TypedResults.Ok(new RotationDto(rotation.DataKeyId, rotation.MasterKeyId, rotation.Reencrypted, rotation.Retired));
    }
}
