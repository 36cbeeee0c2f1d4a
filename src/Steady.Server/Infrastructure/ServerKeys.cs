using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Steady.Core.Paging;
using Steady.Server.Data;

namespace Steady.Server.Infrastructure;

/// <summary>
/// Named 256-bit keys for signing links, made once (by whichever node is first) and kept in the database,
/// so every node signs and checks alike; each is read once per process.
/// </summary>
public sealed class ServerKeys(IServiceScopeFactory scopes, TimeProvider time)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte[]> _keys = new(StringComparer.Ordinal);

    public async Task<byte[]> GetAsync(string name, CancellationToken cancellationToken)
    {
        if (_keys.TryGetValue(name, out var known))
            return known;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SteadyDb>();
        var stored = await db.ServerSecrets.AsNoTracking().FirstOrDefaultAsync(s => s.Name == name, cancellationToken);
        if (stored is null)
        {
            db.ServerSecrets.Add(new ServerSecret { Name = name, Value = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), CreatedAt = time.GetUtcNow() });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
            {
                // another node made it first
            }
            db.ChangeTracker.Clear();
            stored = await db.ServerSecrets.AsNoTracking().FirstAsync(s => s.Name == name, cancellationToken);
        }
        return _keys[name] = Convert.FromBase64String(stored.Value);
    }
}
