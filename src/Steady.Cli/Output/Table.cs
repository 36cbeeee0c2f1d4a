using System.Text;

namespace Steady.Cli.Output;

/// <summary>
/// Left-aligned columns under an upper-case header, two spaces apart, no trailing spaces. Cells
/// are made safe for a terminal (no newlines or escape sequences from the server's data) and a
/// column with a maximum width is cut with an ellipsis.
/// </summary>
public sealed class Table
{
    private const string Gap = "  ";
    private readonly string[] _headers;
    private readonly int?[] _maxWidths;
    private readonly List<string[]> _rows = [];

    public Table(params string[] headers)
    {
        _headers = headers;
        _maxWidths = new int?[headers.Length];
    }

    public int Count => _rows.Count;

    /// <summary>Cuts the column's cells to at most <paramref name="width"/> characters.</summary>
    public Table Limit(int column, int width)
    {
        _maxWidths[column] = Math.Max(width, 2);
        return this;
    }

    public Table Add(params string?[] cells)
    {
        if (cells.Length != _headers.Length)
            throw new ArgumentException($"A row of this table has {_headers.Length} cells, not {cells.Length}.", nameof(cells));
        _rows.Add(cells.Select((cell, i) => Cut(Clean(cell), _maxWidths[i])).ToArray());
        return this;
    }

    public void WriteTo(TextWriter writer)
    {
        var widths = _headers.Select((h, i) => _rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        Write(writer, _headers.Select(h => h.ToUpperInvariant()).ToArray(), widths);
        foreach (var row in _rows)
            Write(writer, row, widths);
    }

    public override string ToString()
    {
        using var writer = new StringWriter { NewLine = "\n" };
        WriteTo(writer);
        return writer.ToString();
    }

    private static void Write(TextWriter writer, string[] cells, int[] widths)
    {
        var line = new StringBuilder();
        for (var i = 0; i < cells.Length; i++)
        {
            if (i > 0)
                line.Append(Gap);
            line.Append(i == cells.Length - 1 ? cells[i] : cells[i].PadRight(widths[i]));
        }
        writer.WriteLine(line.ToString().TrimEnd());
    }

    /// <summary>Newlines and tabs become spaces; other control characters (a terminal escape, say) become '?'.</summary>
    internal static string Clean(string? cell)
    {
        if (string.IsNullOrEmpty(cell))
            return "";
        var builder = new StringBuilder(cell.Length);
        foreach (var c in cell)
            builder.Append(c is '\n' or '\r' or '\t' ? ' ' : char.IsControl(c) ? '?' : c);
        return builder.ToString().Trim();
    }

    private static string Cut(string cell, int? max) =>
        max is { } width && cell.Length > width ? string.Concat(cell.AsSpan(0, width - 1).TrimEnd(), "…") : cell;
}
