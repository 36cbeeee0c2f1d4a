namespace Steady.Cli.Commands;

/// <summary>Finds the one thing a person meant by an id or a name, or says why it cannot.</summary>
internal static class Pick
{
    public static T ByIdOrName<T>(IReadOnlyList<T> items, string wanted, Func<T, Guid> id, Func<T, string> name, string what, string listCommand)
    {
        if (Guid.TryParse(wanted, out var guid))
            return items.FirstOrDefault(i => id(i) == guid) ?? throw new CliException($"there is no {what} with id {guid}; see '{listCommand}'");
        var named = items.Where(i => string.Equals(name(i), wanted, StringComparison.OrdinalIgnoreCase)).ToList();
        return named.Count switch
        {
            1 => named[0],
            0 => throw new CliException($"there is no {what} named '{wanted}'; see '{listCommand}'"),
            _ => throw new CliException($"{named.Count} {what}s are named '{wanted}'; give the id instead (see '{listCommand}')"),
        };
    }
}
