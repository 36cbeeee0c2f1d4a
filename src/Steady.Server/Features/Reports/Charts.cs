using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Html;

namespace Steady.Server.Features.Reports;

/// <summary>A point of a trend: its label (a week) and a value per series (null: nothing that week).</summary>
public sealed record TrendSeries(string Name, string CssClass, IReadOnlyList<double?> Values);

/// <summary>One bar of stacked parts, each with its CSS class; the label at its left, the note at its right.</summary>
public sealed record StackedBar(string Label, IReadOnlyList<(double Value, string CssClass, string Title)> Parts, string Note, string? SubLabel = null);

/// <summary>
/// Charts drawn on the server as inline SVG: no chart library, no script. Every chart has a viewBox 400
/// units wide and scales to its box (CSS caps it so type stays readable on a laptop and on a phone);
/// colours come from classes in steady.css, so dark mode repaints them; each chart has a title for screen
/// readers, and the page shows the same figures in a table beside it.
/// </summary>
public static class Charts
{
    private const double Width = 400;

    /// <summary>Lines over weeks (MTTA and MTTR in minutes): the y axis from 0 to a round maximum.</summary>
    public static IHtmlContent Trend(string title, IReadOnlyList<string> labels, IReadOnlyList<TrendSeries> series, string unit)
    {
        const double left = 42, right = 14, top = 20, bottom = 22, height = 180;
        var plotW = Width - left - right;
        var plotH = height - top - bottom;
        var max = Nice(series.SelectMany(s => s.Values).OfType<double>().DefaultIfEmpty(0).Max());
        var svg = Open(title, height, "chart-trend");
        for (var i = 0; i <= 4; i++)
        {
            var y = top + plotH - plotH * i / 4;
            svg.Append(Line(left, y, Width - right, y, "grid"));
            svg.Append(Text(left - 4, y + 3, Number(max * i / 4), "end"));
        }
        svg.Append(Text(left - 4, 12, unit, "end", "axis-unit"));
        var step = labels.Count > 1 ? plotW / (labels.Count - 1) : 0;
        double X(int i) => labels.Count > 1 ? left + step * i : left + plotW / 2;
        var every = Math.Max(1, (int)Math.Ceiling(labels.Count / 6.0));
        for (var i = 0; i < labels.Count; i += every)
        {
            // The outermost labels lean inwards, so none runs past the chart's edge.
            var anchor = labels.Count == 1 ? "middle" : i == 0 ? "start" : i + every >= labels.Count && i == labels.Count - 1 ? "end" : "middle";
            svg.Append(Text(X(i), height - 6, labels[i], anchor));
        }
        foreach (var s in series)
        {
            var points = s.Values.Select((v, i) => v is { } value ? (X(i), top + plotH - (max == 0 ? 0 : plotH * value / max)) : ((double, double)?)null).ToList();
            // A line through consecutive weeks that have a value; a lone week is a dot.
            var run = new List<(double X, double Y)>();
            foreach (var p in points.Append(null))
            {
                if (p is { } point)
                {
                    run.Add(point);
                    continue;
                }
                if (run.Count > 1)
                    svg.Append($"<polyline class=\"series {s.CssClass}\" points=\"{string.Join(" ", run.Select(r => $"{F(r.X)},{F(r.Y)}"))}\"/>");
                run.Clear();
            }
            for (var i = 0; i < points.Count; i++)
            {
                if (points[i] is { } point)
                    svg.Append($"<circle class=\"dot {s.CssClass}\" cx=\"{F(point.Item1)}\" cy=\"{F(point.Item2)}\" r=\"2.5\"><title>{E(s.Name)}, {E(labels[i])}: {Number(s.Values[i]!.Value)} {E(unit)}</title></circle>");
            }
        }
        return Close(svg);
    }

    /// <summary>Horizontal stacked bars, one per row (a person's hours by band, a source's alerts).</summary>
    public static IHtmlContent Bars(string title, IReadOnlyList<StackedBar> bars)
    {
        const double label = 140, note = 56, top = 4;
        // A second line under each label (a source's service) makes the rows taller.
        var twoLines = bars.Any(b => b.SubLabel is not null);
        var row = twoLines ? 34.0 : 22.0;
        var height = top + row * Math.Max(1, bars.Count) + 4;
        var plotW = Width - label - note;
        var max = bars.Select(b => b.Parts.Sum(p => p.Value)).DefaultIfEmpty(0).Max();
        var svg = Open(title, height, "chart-bars");
        for (var i = 0; i < bars.Count; i++)
        {
            var y = top + row * i;
            var labelY = twoLines ? y + 14 : y + row / 2 + 4;
            svg.Append($"<text x=\"{F(label - 6)}\" y=\"{F(labelY)}\" text-anchor=\"end\" class=\"bar-label\"><title>{E(bars[i].Label)}</title>{E(Short(bars[i].Label, 14))}</text>");
            if (bars[i].SubLabel is { } sub)
                svg.Append($"<text x=\"{F(label - 6)}\" y=\"{F(y + 28)}\" text-anchor=\"end\" class=\"bar-sub\"><title>{E(sub)}</title>{E(Short(sub, 16))}</text>");
            var x = label;
            foreach (var (value, css, partTitle) in bars[i].Parts)
            {
                var w = max == 0 ? 0 : plotW * value / max;
                if (w > 0)
                    svg.Append($"<rect class=\"{css}\" x=\"{F(x)}\" y=\"{F(y + 3)}\" width=\"{F(w)}\" height=\"{F(row - 6)}\"><title>{E(bars[i].Label)}: {E(partTitle)}</title></rect>");
                x += w;
            }
            svg.Append(Text(x + 4, y + row / 2 + 4, bars[i].Note, "start", "bar-note"));
        }
        return Close(svg);
    }

    /// <summary>Interruptions by weekday (rows, Monday first) and hour (columns), a stronger colour for more (the four levels are the stylesheet's, light and dark).</summary>
    public static IHtmlContent Heatmap(string title, IReadOnlyList<IReadOnlyList<int>> cells)
    {
        const double left = 38, top = 4, cell = 15, bottom = 18;
        var height = top + cell * 7 + bottom;
        var max = cells.SelectMany(c => c).DefaultIfEmpty(0).Max();
        string[] days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
        var svg = Open(title, height, "chart-heatmap");
        for (var d = 0; d < 7; d++)
        {
            svg.Append(Text(left - 4, top + cell * d + cell / 2 + 3, days[d], "end"));
            for (var h = 0; h < 24; h++)
            {
                var n = cells[d][h];
                var level = n == 0 || max == 0 ? 0 : 1 + (int)Math.Min(3, Math.Floor(4.0 * (n - 1) / max));
                svg.Append($"<rect class=\"hm{level}\" x=\"{F(left + cell * h + 0.5)}\" y=\"{F(top + cell * d + 0.5)}\" width=\"{F(cell - 1)}\" height=\"{F(cell - 1)}\"><title>{days[d]} {h:00}:00–{h:00}:59: {n} interruption{(n == 1 ? "" : "s")}</title></rect>");
            }
        }
        foreach (var h in new[] { 0, 6, 12, 18 })
            svg.Append(Text(left + cell * h + 1, height - 4, $"{h:00}:00", "start"));
        return Close(svg);
    }

    /// <summary>A round number at or above <paramref name="max"/> for an axis (1, 2, 5 × 10ⁿ).</summary>
    public static double Nice(double max)
    {
        if (max <= 0)
            return 1;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(max)));
        foreach (var m in new[] { 1.0, 2, 5, 10 })
        {
            if (m * magnitude >= max)
                return m * magnitude;
        }
        return 10 * magnitude;
    }

    private static StringBuilder Open(string title, double height, string css)
    {
        var id = "c" + Guid.NewGuid().ToString("N")[..8];
        return new StringBuilder($"<svg class=\"chart {css}\" viewBox=\"0 0 {F(Width)} {F(height)}\" role=\"img\" aria-labelledby=\"{id}\" xmlns=\"http://www.w3.org/2000/svg\"><title id=\"{id}\">{E(title)}</title>");
    }

    private static HtmlString Close(StringBuilder svg) => new(svg.Append("</svg>").ToString());

    private static string Line(double x1, double y1, double x2, double y2, string css) =>
        $"<line class=\"{css}\" x1=\"{F(x1)}\" y1=\"{F(y1)}\" x2=\"{F(x2)}\" y2=\"{F(y2)}\"/>";

    private static string Text(double x, double y, string text, string anchor, string? css = null) =>
        $"<text x=\"{F(x)}\" y=\"{F(y)}\" text-anchor=\"{anchor}\"{(css is null ? "" : $" class=\"{css}\"")}>{E(text)}</text>";

    private static string Short(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    private static string Number(double value) => value >= 100 || value == Math.Floor(value) ? value.ToString("0", CultureInfo.InvariantCulture) : value.ToString("0.#", CultureInfo.InvariantCulture);

    private static string F(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
