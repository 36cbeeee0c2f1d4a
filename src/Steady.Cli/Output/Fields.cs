namespace Steady.Cli.Output;

/// <summary>One record as "Label:  value" lines with the values aligned (for show and whoami).</summary>
public sealed class Fields
{
    private readonly List<(string Label, string Value)> _lines = [];

    public Fields Add(string label, string? value)
    {
        _lines.Add((label, Format.OrDash(value)));
        return this;
    }

    public void WriteTo(TextWriter writer)
    {
        var width = _lines.Max(l => l.Label.Length) + 1;
        foreach (var (label, value) in _lines)
            writer.WriteLine($"{(label + ":").PadRight(width)}  {value}");
    }
}
