using Steady.Server.Infrastructure;

namespace Steady.Server.Features.Health;

/// <summary>One background worker as /readyz shows it: "ok", "starting", "stopped" or "stuck" (no pass completed for too long).</summary>
public sealed record WorkerDto(string Name, string State, DateTimeOffset? LastPassAt, string? Problem);

/// <summary>The workers of this process that work in passes (<see cref="IReportsPasses"/>), and which of them are not working.</summary>
public sealed class WorkerStates(IEnumerable<IHostedService> hosted, TimeProvider time)
{
    public IReadOnlyList<WorkerDto> Read()
    {
        var now = time.GetUtcNow();
        return hosted.OfType<IReportsPasses>().Select(w => Describe(w.GetType().Name, w, now)).OrderBy(w => w.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>Decides one worker's state from what it reported: the rule /readyz applies.</summary>
    public static WorkerDto Describe(string name, IReportsPasses worker, DateTimeOffset now)
    {
        var last = worker.LastPassAt;
        if (worker.HasStopped)
            return new WorkerDto(name, "stopped", last, $"{name} has stopped");
        if ((last ?? worker.StartedAt) is not { } since)
            return new WorkerDto(name, "starting", null, null);
        var quiet = now - since;
        if (quiet > worker.MaxQuiet)
            return new WorkerDto(name, "stuck", last, last is null
                ? $"{name} has not completed a pass in the {Minutes(quiet)} since it started"
                : $"{name} has not completed a pass for {Minutes(quiet)}");
        return new WorkerDto(name, last is null ? "starting" : "ok", last, null);
    }

    private static string Minutes(TimeSpan span) => span.TotalMinutes >= 2 ? $"{(int)span.TotalMinutes} min" : $"{(int)span.TotalSeconds} s";
}
