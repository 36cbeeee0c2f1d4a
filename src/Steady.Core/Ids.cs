using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Steady.Core;

/// <summary>
/// Sortable identifiers: UUIDv7 stamped with the injected clock. Within a process they also
/// increase strictly (RFC 9562, monotonic random), so ids made in the same millisecond, or under a
/// clock that stands still, still sort in the order they were made. The random bits come from the
/// system's cryptographic generator, drawn a few kilobytes at a time rather than by one system call
/// per id (the intake writer makes two ids per alert).
/// </summary>
public static class Ids
{
    private const int RandomBytes = 10;
    private static readonly Lock Gate = new();
    private static readonly byte[] Pool = new byte[4096];
    private static int _used = Pool.Length;
    private static UInt128 _last;

    public static Guid New(TimeProvider time)
    {
        var milliseconds = (ulong)time.GetUtcNow().ToUnixTimeMilliseconds();
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, milliseconds << 16); // 48 bits of time, then 16 to overwrite
        lock (Gate)
        {
            if (_used + RandomBytes > Pool.Length)
            {
                RandomNumberGenerator.Fill(Pool);
                _used = 0;
            }
            Pool.AsSpan(_used, RandomBytes).CopyTo(bytes[6..]);
            _used += RandomBytes;
            bytes[6] = (byte)((bytes[6] & 0x0F) | 0x70); // version 7
            bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 9562 variant
            var value = BinaryPrimitives.ReadUInt128BigEndian(bytes);
            if (value <= _last)
                value = _last + 1; // same millisecond (or the clock went back): count on in the random bits
            _last = value;
            BinaryPrimitives.WriteUInt128BigEndian(bytes, value);
        }
        return new Guid(bytes, bigEndian: true);
    }
}
