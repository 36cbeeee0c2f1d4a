using System.Reflection;
using Steady.Core;

namespace Steady.Server.Infrastructure;

/// <summary>Query parameters that are dates (?at=, ?since=…) outside <see cref="SaneDates"/> are refused, naming the parameter; JSON bodies are checked by <see cref="StrictJson"/>.</summary>
public static class SaneDateQuery
{
    /// <summary>An endpoint filter factory: endpoints without such a parameter get no filter.</summary>
    public static EndpointFilterDelegate Filter(EndpointFilterFactoryContext context, EndpointFilterDelegate next)
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
                if (invocation.Arguments[index] is DateTimeOffset value && !SaneDates.Contains(value))
                    return ValueTask.FromResult<object?>(Failure.Invalid(parameter.Name!, $"'{parameter.Name}' must be between {SaneDates.Description}.").ToProblem());
            }
            return next(invocation);
        };
    }
}
