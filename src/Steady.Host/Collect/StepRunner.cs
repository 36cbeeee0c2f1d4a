using Steady.Host.Model;

namespace Steady.Host.Collect;

/// <summary>
/// Runs collection steps, each within its budget, and keeps a report of how each went. A step
/// that stops early is "partial" with what it had; one that does not return at all (a read that
/// hangs on a dead NFS mount) is abandoned after its budget and a grace period, and is "partial"
/// with no data. Nothing is silently dropped: every step has a report.
/// </summary>
public sealed class StepRunner(TimeProvider time, Func<string, TimeSpan> budgetFor)
{
    private readonly Dictionary<string, StepReport> _reports = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];

    public IReadOnlyList<StepReport> Reports
    {
        get
        {
            lock (_reports)
                return [.. _order.Select(name => _reports[name])];
        }
    }

    /// <summary>Runs <paramref name="work"/> as step <paramref name="name"/>; null when it failed or never returned.</summary>
    public async Task<T?> RunAsync<T>(string name, Func<StepBudget, T> work, CancellationToken cancellationToken)
        where T : class?
    {
        var limit = budgetFor(name);
        var budget = new StepBudget(time, limit);
        var task = Task.Run(() => work(budget), cancellationToken);
        try
        {
            var result = await task.WaitAsync(limit + Grace(limit), time, cancellationToken);
            Record(name, budget, budget.CutShort ? StepReport.Partial : StepReport.Complete, budget.NoteText);
            return result;
        }
        catch (TimeoutException)
        {
            budget.Abandon();
            Record(name, budget, StepReport.Partial, Join(budget.NoteText, $"did not finish within its budget of {limit.TotalMilliseconds:0} ms; nothing it read is shown"));
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Record(name, budget, StepReport.Failed, Join(budget.NoteText, $"{e.GetType().Name}: {e.Message}"));
            return null;
        }
    }

    /// <summary>How long past its budget a step is waited for before it is abandoned.</summary>
    internal static TimeSpan Grace(TimeSpan limit) => TimeSpan.FromTicks(Math.Max(limit.Ticks / 2, TimeSpan.FromMilliseconds(100).Ticks));

    private void Record(string name, StepBudget budget, string status, string? note)
    {
        var report = new StepReport(name, status, Math.Round(budget.Elapsed.TotalMilliseconds, 1), budget.Limit.TotalMilliseconds, note);
        lock (_reports)
        {
            if (_reports.TryGetValue(name, out var earlier))
            {
                // A sampled step runs twice (before and after the interval): one report for both.
                report = new StepReport(name, Worse(earlier.Status, status), Math.Round(earlier.ElapsedMs + report.ElapsedMs, 1),
                    earlier.BudgetMs, Join(earlier.Note, note));
            }
            else
            {
                _order.Add(name);
            }
            _reports[name] = report;
        }
    }

    private static string Worse(string a, string b) =>
        a == StepReport.Failed || b == StepReport.Failed ? StepReport.Failed
        : a == StepReport.Partial || b == StepReport.Partial ? StepReport.Partial
        : StepReport.Complete;

    private static string? Join(string? a, string? b) => a is null ? b : b is null || a == b ? a : $"{a}; {b}";
}
