using System.Data.Common;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Steady.Server.Data;

namespace Steady.Server.Tests.Paging;

/// <summary>
/// Faults at the boundary between the server and its real database, for in-process tests: what happens between two
/// of the engine's statements when another node takes a claim over, the node stalls (the clock jumps past a lease),
/// or the database goes away. A hook runs once, on the statement (or the commit) it waits for; <see cref="Away"/>
/// fails every statement it matches as a lost connection does (a <see cref="TimeoutException"/>, which the server
/// treats as the database being unavailable, as it does Npgsql's and SQLite's own).
/// </summary>
internal sealed class DbFaults : DbTransactionInterceptor, IDbCommandInterceptor
{
    private readonly Lock _lock = new();
    private readonly List<(Func<DbCommand, int, bool> When, Func<DbCommand, DbContext?, Task> Then)> _afterCommand = [];
    private (DbContext Context, Func<Task> Then)? _afterCommit;

    /// <summary>While set, every statement whose text it matches fails as if the database were away.</summary>
    public Func<string, bool>? Away { get; set; }

    private int _failed;

    /// <summary>How many statements <see cref="Away"/> failed.</summary>
    public int Failed => Volatile.Read(ref _failed);

    /// <summary>Adds the faults to the host's database contexts.</summary>
    public static Action<IWebHostBuilder> In(DbFaults faults, Action<IWebHostBuilder>? more = null) => b =>
    {
        b.ConfigureTestServices(s => s.ConfigureDbContext<SteadyDb>(o => o.AddInterceptors(faults)));
        more?.Invoke(b);
    };

    /// <summary>
    /// Once, after the first statement that <paramref name="when"/> matches has run (given the statement and the rows it
    /// changed, -1 for a query): <paramref name="then"/>, given the statement and its context.
    /// </summary>
    public void After(Func<DbCommand, int, bool> when, Func<DbCommand, DbContext?, Task> then)
    {
        lock (_lock)
            _afterCommand.Add((when, then));
    }

    /// <summary>Once, after the next transaction of <paramref name="context"/> commits.</summary>
    public void AfterCommitOf(DbContext context, Func<Task> then)
    {
        lock (_lock)
            _afterCommit = (context, then);
    }

    /// <summary>A claim of deliveries that took some (<c>UPDATE deliveries SET state = 'sending', …</c>); its first parameter is the claim's owner.</summary>
    public static bool IsDeliveryClaim(DbCommand command, int rows) => rows > 0 && command.CommandText.StartsWith("UPDATE deliveries SET state = 'sending', lease_owner = ", StringComparison.Ordinal);

    public static string OwnerOf(DbCommand command) => (string)command.Parameters[0].Value!;

    private void Check(DbCommand command)
    {
        if (Away is { } away && away(command.CommandText))
        {
            Interlocked.Increment(ref _failed);
            throw new TimeoutException("Simulated: the connection to the database was lost.");
        }
    }

    private async Task RanAsync(DbCommand command, int rows, DbContext? context)
    {
        Func<DbCommand, DbContext?, Task>? then = null;
        lock (_lock)
        {
            var index = _afterCommand.FindIndex(h => h.When(command, rows));
            if (index >= 0)
            {
                then = _afterCommand[index].Then;
                _afterCommand.RemoveAt(index);
            }
        }
        if (then is not null)
            await then(command, context);
    }

    InterceptionResult<DbDataReader> IDbCommandInterceptor.ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Check(command);
        return result;
    }

    ValueTask<InterceptionResult<DbDataReader>> IDbCommandInterceptor.ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken)
    {
        Check(command);
        return ValueTask.FromResult(result);
    }

    InterceptionResult<int> IDbCommandInterceptor.NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        Check(command);
        return result;
    }

    ValueTask<InterceptionResult<int>> IDbCommandInterceptor.NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken)
    {
        Check(command);
        return ValueTask.FromResult(result);
    }

    InterceptionResult<object> IDbCommandInterceptor.ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        Check(command);
        return result;
    }

    ValueTask<InterceptionResult<object>> IDbCommandInterceptor.ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken)
    {
        Check(command);
        return ValueTask.FromResult(result);
    }

    async ValueTask<DbDataReader> IDbCommandInterceptor.ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken)
    {
        await RanAsync(command, -1, eventData.Context);
        return result;
    }

    DbDataReader IDbCommandInterceptor.ReaderExecuted(DbCommand command, CommandExecutedEventData eventData, DbDataReader result)
    {
        RanAsync(command, -1, eventData.Context).GetAwaiter().GetResult();
        return result;
    }

    async ValueTask<int> IDbCommandInterceptor.NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken)
    {
        await RanAsync(command, result, eventData.Context);
        return result;
    }

    int IDbCommandInterceptor.NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        RanAsync(command, result, eventData.Context).GetAwaiter().GetResult();
        return result;
    }

    public override async Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Func<Task>? then = null;
        lock (_lock)
        {
            if (_afterCommit is { } hook && ReferenceEquals(hook.Context, eventData.Context))
            {
                then = hook.Then;
                _afterCommit = null;
            }
        }
        if (then is not null)
            await then();
    }
}
