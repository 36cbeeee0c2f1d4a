using System.Buffers.Binary;

namespace Steady.Core;

/// <summary>
/// Sortable identifiers: UUIDv7 stamped with the injected clock. Within a process they also
/// increase strictly (RFC 9562, monotonic random), so ids made in the same millisecond, or under a
/// clock that stands still, still sort in the order they were made.
/// </summary>
public static class Ids
{
    private static readonly Lock Gate = new();
    private static UInt128 _last;

    public static Guid New(TimeProvider time)
    {
        Span<byte> bytes = stackalloc byte[16];
        Guid.CreateVersion7(time.GetUtcNow()).TryWriteBytes(bytes, bigEndian: true, out _);
        var value = BinaryPrimitives.ReadUInt128BigEndian(bytes);
        lock (Gate)
        {
            if (value <= _last)
                value = _last + 1; // same millisecond (or the clock went back): count on in the random bits
            _last = value;
        }
        BinaryPrimitives.WriteUInt128BigEndian(bytes, value);
        return new Guid(bytes, bigEndian: true);
    }
}
