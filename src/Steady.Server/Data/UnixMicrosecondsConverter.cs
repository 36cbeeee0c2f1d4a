using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Steady.Server.Data;

/// <summary>An instant as UTC microseconds since 1970: sortable, comparable, and as precise as PostgreSQL's timestamptz.</summary>
public sealed class UnixMicrosecondsConverter() : ValueConverter<DateTimeOffset, long>(
    value => (value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10,
    value => new DateTimeOffset(DateTimeOffset.UnixEpoch.UtcTicks + (value * 10), TimeSpan.Zero));
