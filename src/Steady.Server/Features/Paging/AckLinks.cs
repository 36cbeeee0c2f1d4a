using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Steady.Core.OnCall;
using Steady.Server.Data;
using Steady.Server.Infrastructure;
using Steady.Core.Paging;

namespace Steady.Server.Features.Paging;

public enum LinkAction : byte
{
    Acknowledge = 1,
    Resolve = 2,
}

/// <summary>What a verified link says: act on the alert groups of one message, until when.</summary>
public sealed record LinkToken(LinkAction Action, Guid Message, DateTimeOffset ExpiresAt)
{
    /// <summary>Each link works once: its nonce, stored when used.</summary>
    public string Nonce => $"{(Action == LinkAction.Acknowledge ? "ack" : "resolve")}:{Message:N}";
}

/// <summary>
/// Signed acknowledge / resolve links: version, action, the message's id and an expiry, with an
/// HMAC-SHA256 (cut to 128 bits) by a key kept in the database, so every node signs and checks
/// alike. 56 URL-safe characters: short enough for an SMS. Single use is enforced where they are used.
/// </summary>
public sealed class AckLinks(IServiceScopeFactory scopes, PublicUrls urls, TimeProvider time)
{
    private const string KeyName = "ack-link-key";
    private const int PayloadLength = 26;
    private const int MacLength = 16;
    private byte[]? _key;

    public async Task<Uri> UrlAsync(LinkAction action, Guid message, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        var token = Sign(await KeyAsync(cancellationToken), new LinkToken(action, message, expiresAt));
        return new Uri($"{urls.Base()}/{(action == LinkAction.Acknowledge ? "ack" : "resolve")}/{token}");
    }

    /// <summary>The link's content when its signature holds (expired or not: the caller says which); null for anything forged or malformed.</summary>
    public async Task<LinkToken?> VerifyAsync(string token, CancellationToken cancellationToken)
    {
        if (token.Length is < 40 or > 80)
            return null;
        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(token);
        }
        catch (FormatException)
        {
            return null;
        }
        if (bytes.Length != PayloadLength + MacLength || bytes[0] != 1 || bytes[1] is not ((byte)LinkAction.Acknowledge or (byte)LinkAction.Resolve))
            return null;
        var expected = Mac(await KeyAsync(cancellationToken), bytes.AsSpan(0, PayloadLength));
        if (!CryptographicOperations.FixedTimeEquals(expected, bytes.AsSpan(PayloadLength)))
            return null;
        var seconds = BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(18, 8));
        return new LinkToken((LinkAction)bytes[1], new Guid(bytes.AsSpan(2, 16), bigEndian: true), DateTimeOffset.FromUnixTimeSeconds(seconds));
    }

    private static string Sign(byte[] key, LinkToken link)
    {
        var bytes = new byte[PayloadLength + MacLength];
        bytes[0] = 1;
        bytes[1] = (byte)link.Action;
        link.Message.TryWriteBytes(bytes.AsSpan(2, 16), bigEndian: true, out _);
        BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(18, 8), link.ExpiresAt.ToUnixTimeSeconds());
        Mac(key, bytes.AsSpan(0, PayloadLength)).CopyTo(bytes.AsSpan(PayloadLength));
        return Base64Url.EncodeToString(bytes);
    }

    private static byte[] Mac(byte[] key, ReadOnlySpan<byte> payload) => HMACSHA256.HashData(key, payload)[..MacLength];

    /// <summary>The signing key: made once (by whichever node is first) and kept in the database.</summary>
    private async Task<byte[]> KeyAsync(CancellationToken cancellationToken)
    {
        if (_key is { } known)
            return known;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SteadyDb>();
        var stored = await db.ServerSecrets.AsNoTracking().FirstOrDefaultAsync(s => s.Name == KeyName, cancellationToken);
        if (stored is null)
        {
            db.ServerSecrets.Add(new ServerSecret { Name = KeyName, Value = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), CreatedAt = time.GetUtcNow() });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
            {
                // another node made it first
            }
            db.ChangeTracker.Clear();
            stored = await db.ServerSecrets.AsNoTracking().FirstAsync(s => s.Name == KeyName, cancellationToken);
        }
        return _key = Convert.FromBase64String(stored.Value);
    }
}
