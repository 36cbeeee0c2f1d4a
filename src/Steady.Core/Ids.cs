namespace Steady.Core;

/// <summary>Sortable identifiers: UUIDv7 stamped with the injected clock, so ids order by creation time.</summary>
public static class Ids
{
    public static Guid New(TimeProvider time) => Guid.CreateVersion7(time.GetUtcNow());
}
