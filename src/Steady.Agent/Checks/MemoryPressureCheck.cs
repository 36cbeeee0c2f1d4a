using System.Globalization;
using Steady.Host.Collect;

namespace Steady.Agent.Checks;

/// <summary>Memory pressure (PSI): the share of the last 10 s in which some task stalled waiting for memory.</summary>
public sealed class MemoryPressureCheck(string name, string severity, double thresholdPercent) : ICheck
{
    public string Name => name;

    public string Type => "memory-pressure";

    public Task<CheckRun> RunAsync(CheckContext context, CancellationToken cancellationToken)
    {
        var text = context.Files.ReadText("proc/pressure/memory");
        if (text is null)
            return Task.FromResult(new CheckRun([], "no /proc/pressure/memory: this kernel has no PSI (or it is disabled)"));
        var some = PressureCollector.Parse(null, text, 0).Some;
        if (some is null || some.Avg10 < thresholdPercent)
            return Task.FromResult(CheckRun.Passing);
        var summary = string.Create(CultureInfo.InvariantCulture,
            $"Memory pressure on {context.Host}: {some.Avg10:0.#}% of the last 10 s stalled on memory (60 s: {some.Avg60:0.#}%; threshold {thresholdPercent:0.#}%)");
        return Task.FromResult(new CheckRun([new Failing("", summary, severity)]));
    }
}
