using System.Reflection;
using Steady.Core;

namespace Steady.Server.Infrastructure;

/// <summary>
/// The instants Steady takes from people and programs: 2000 to 2100. Nothing it does needs others, and
/// year 1 or 9999 only reaches arithmetic that overflows (a silence starting 9999-12-31T23:59:59Z was a
/// 500). JSON bodies are checked by <see cref="StrictJson"/>; query parameters by <see cref="CheckQuery"/>.
/// </summary>
public static class SaneDates
{
    public static readonly DateTimeOffset Min = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static readonly DateTimeOffset End = new(2101, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public const string Description = "2000-01-01 and 2100-12-31 (UTC)";

    public static bool Contains(DateTimeOffset value) => value >= Min && value < End;

    /// <summary>An endpoint filter that refuses a date or time query parameter (?at=, ?since=…) outside the range, naming it.</summary>
    public static EndpointFilterDelegate CheckQuery(EndpointFilterFactoryContext context, EndpointFilterDelegate next)
    {
        var dates = context.MethodInfo.GetParameters()
            .Select((p, i) => (Parameter: p, Index: i))
            .Where(p => (Nullable.GetUnderlyingType(p.Parameter.ParameterType) ?? p.Parameter.ParameterType) == typeof(DateTimeOffset)
                && p.Parameter.GetCustomAttribute<Microsoft.AspNetCore.Mvc.FromBodyAttribute>() is null)
            .ToList();
        if (dates.Count == 0)
            return next;
        return invocation =>
        {
            foreach (var (parameter, index) in dates)
            {
                if (invocation.Arguments[index] is DateTimeOffset value && !Contains(value))
                    return ValueTask.FromResult<object?>(Failure.Invalid(parameter.Name!, $"'{parameter.Name}' must be between {Description}.").ToProblem());
            }
            return next(invocation);
        };
    }
}
