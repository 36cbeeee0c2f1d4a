using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using Steady.Server.Infrastructure;

namespace Steady.Server.Features.StatusPage;

public enum SubscriberLinkPurpose : byte
{
    Confirm = 1,
    Manage = 2,
}

/// <summary>What a verified subscriber link says.</summary>
public sealed record SubscriberLink(SubscriberLinkPurpose Purpose, Guid Subscriber, DateTimeOffset? ExpiresAt, string Nonce);

/// <summary>
/// Signed subscriber links: a confirmation link (single use: it carries the subscriber's current nonce,
/// cleared when used; expiring) and a manage / unsubscribe link (no expiry; it names the subscription, so
/// typing someone's address never reaches it). HMAC-SHA256, cut to 128 bits, by a key in the database.
/// </summary>
public sealed class SubscriberLinks(ServerKeys keys)
{
    private const string KeyName = "status-subscriber-link-key";
    private const int PayloadLength = 34;
    private const int MacLength = 16;

    public static string NewNonce() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    public async Task<string> SignAsync(SubscriberLink link, CancellationToken cancellationToken)
    {
        var bytes = new byte[PayloadLength + MacLength];
        bytes[0] = 1;
        bytes[1] = (byte)link.Purpose;
        link.Subscriber.TryWriteBytes(bytes.AsSpan(2, 16), bigEndian: true, out _);
        BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(18, 8), link.ExpiresAt?.ToUnixTimeSeconds() ?? 0);
        Convert.FromHexString(link.Nonce.Length == 16 ? link.Nonce : new string('0', 16)).CopyTo(bytes.AsSpan(26, 8));
        Mac(await keys.GetAsync(KeyName, cancellationToken), bytes.AsSpan(0, PayloadLength)).CopyTo(bytes.AsSpan(PayloadLength));
        return Base64Url.EncodeToString(bytes);
    }

    /// <summary>The link's content when its signature holds and it is for <paramref name="purpose"/> (expired or not: the caller says); null when forged or malformed.</summary>
    public async Task<SubscriberLink?> VerifyAsync(string? token, SubscriberLinkPurpose purpose, CancellationToken cancellationToken)
    {
        if (token is null || token.Length is < 60 or > 80)
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
        if (bytes.Length != PayloadLength + MacLength || bytes[0] != 1 || bytes[1] != (byte)purpose)
            return null;
        var expected = Mac(await keys.GetAsync(KeyName, cancellationToken), bytes.AsSpan(0, PayloadLength));
        if (!CryptographicOperations.FixedTimeEquals(expected, bytes.AsSpan(PayloadLength)))
            return null;
        var seconds = BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(18, 8));
        return new SubscriberLink(purpose, new Guid(bytes.AsSpan(2, 16), bigEndian: true), seconds == 0 ? null : DateTimeOffset.FromUnixTimeSeconds(seconds),
            Convert.ToHexStringLower(bytes.AsSpan(26, 8)));
    }

    private static byte[] Mac(byte[] key, ReadOnlySpan<byte> payload) => HMACSHA256.HashData(key, payload)[..MacLength];
}
