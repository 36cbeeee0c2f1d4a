using System.Security.Cryptography;
using System.Text;

namespace Steady.Core.Accounts;

/// <summary>High-entropy secrets (API tokens, integration keys) and their stored form.</summary>
public static class Secrets
{
    public const string TokenPrefix = "stdy_";

    /// <summary>A new API token: "stdy_" and 32 random bytes, base64url.</summary>
    public static string NewToken() => TokenPrefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>A new integration key: 32 lowercase hex characters, the shape of a PagerDuty routing key.</summary>
    public static string NewIntegrationKey() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>A random password for the first administrator: 20 characters from an unambiguous alphabet.</summary>
    public static string NewPassword()
    {
        const string alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        return RandomNumberGenerator.GetString(alphabet, 20);
    }

    /// <summary>Tokens are random, so a fast hash is enough: nobody can guess their way to a preimage.</summary>
    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    public static string DisplayPrefix(string secret) => secret[..Math.Min(secret.Length, TokenPrefix.Length + 6)];

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
