using System.Text;

namespace Steady.Cli.Output;

/// <summary>
/// Left-aligned columns under an upper-case header, two spaces apart, no trailing spaces. Cells
/// are made safe for a terminal (no newlines or escape sequences from the server's data) and a
/// column with a maximum width is cut with an ellipsis. On a terminal narrower than the table,
/// those same columns (the free text: summaries, titles, names) give up width, widest first, down to
/// <see cref="Narrowest"/> characters, so a row stays one line; to a file or a pipe nothing more is cut.
/// </summary>
public sealed class Table
{
    private const string Gap = "  ";

    /// <summary>The narrowest a free-text column is cut to, to fit a terminal.</summary>
    public const int Narrowest = 12;

    private static readonly AsyncLocal<int?> TerminalWidth = new();

    /// <summary>The terminal's width for the tables this run of `steady` prints (set per run; null: not a terminal).</summary>
    public static int? Width
    {
        get => TerminalWidth.Value;
        set => TerminalWidth.Value = value;
    }
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
        var rows = Width is { } width ? Fit(widths, width) : _rows;
        Write(writer, _headers.Select(h => h.ToUpperInvariant()).ToArray(), widths);
        foreach (var row in rows)
            Write(writer, row, widths);
    }

    /// <summary>Narrows the free-text columns (those given a <see cref="Limit"/>), widest first, until a row fits <paramref name="width"/>.</summary>
    private List<string[]> Fit(int[] widths, int width)
    {
        var over = widths.Sum() + Gap.Length * (widths.Length - 1) - width;
        if (over <= 0)
            return _rows;
        var cut = false;
        while (over > 0)
        {
            var widest = -1;
            for (var i = 0; i < widths.Length; i++)
            {
                var floor = Math.Max(Narrowest, _headers[i].Length);
                if (_maxWidths[i] is not null && widths[i] > floor && (widest < 0 || widths[i] > widths[widest]))
                    widest = i;
            }
            if (widest < 0)
                break; // nothing left to give: the terminal wraps the rest
            widths[widest]--;
            over--;
            cut = true;
        }
        return cut ? _rows.Select(r => r.Select((cell, i) => _maxWidths[i] is null ? cell : Cut(cell, widths[i])).ToArray()).ToList() : _rows;
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

    /// <summary>
    /// A line of prose broken at spaces to fit the terminal (<see cref="Width"/>), the lines after the first indented; one
    /// line, as it is, when the width is unknown.
    /// </summary>
    public static IEnumerable<string> Wrap(string text, string indent)
    {
        if (Width is not { } width || text.Length <= width)
        {
            yield return text;
            yield break;
        }
        var line = new StringBuilder();
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > width)
            {
                yield return line.ToString();
                line.Clear().Append(indent);
            }
            else if (line.Length > 0 && line.ToString() != indent)
            {
                line.Append(' ');
            }
            line.Append(word);
        }
        if (line.Length > 0)
            yield return line.ToString();
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
