using System.Data.Common;
using Microsoft.Data.Sqlite;
using Steady.Core.Paging;

namespace Steady.Server.Features.Paging;

/// <summary>
/// How the engine's workers tell a failure that passes (the database briefly away or busy, a lock, a
/// timeout: the same work is tried again shortly) from one that would come back every time (data it
/// cannot read, a bug: the one item is set aside — an escalation marked failed, a page or an incident
/// message failed — with the reason where people see it, counted on /metrics, so it never holds back
/// the others).
/// </summary>
public static class EngineFailures
{
    /// <summary>The kinds of work on <c>steady_engine_failures_total{work}</c>.</summary>
    public const string Escalation = "escalation";
    public const string Delivery = "delivery";
    public const string IncidentMessage = "incident-message";
    public const string IncidentCadence = "incident-cadence";

    public static bool IsTransient(Exception exception)
    {
        if (Data.DbErrors.IsUnavailable(exception))
            return true; // the database away, out of connections, its disk full: it passes
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case TimeoutException:
                case SqliteException { SqliteErrorCode: 5 or 6 }: // SQLITE_BUSY, SQLITE_LOCKED
                case DbException { IsTransient: true }:
                    return true;
            }
        }
        return false;
    }

    /// <summary>The failure in one line for people ("JsonException: 'n' is an invalid start of a value…"), from the innermost database error when there is one.</summary>
    public static string Describe(Exception exception)
    {
        var shown = exception is Microsoft.EntityFrameworkCore.DbUpdateException { InnerException: { } inner } ? inner : exception;
        var message = shown.Message.ReplaceLineEndings(" ").Trim();
        if (message.Length > 240)
            message = message[..240] + "…";
        return $"{shown.GetType().Name}: {message}";
    }

    /// <summary>One item of <paramref name="work"/> was set aside because it failed in a way that would come back.</summary>
    public static void Count(string work) => PagingMetrics.EngineFailed.WithLabels(work).Inc();
}
