using System.Text;

namespace Steady.Cli.Api;

/// <summary>Turns a refused request into the one line a person reads after "steady: ".</summary>
public static class ProblemMessage
{
    public static string Describe(ApiProblem problem)
    {
        var detail = OneLine(problem.Detail ?? problem.Title);
        var status = $"{problem.Status}{(string.IsNullOrEmpty(problem.Reason) ? "" : " " + problem.Reason)}";
        return problem.Status switch
        {
            401 => $"the server refused the token{(problem.TokenSource is null ? "" : " from " + problem.TokenSource)}"
                   + $"{(detail is null ? "" : $" ({detail.TrimEnd('.')})")}; run 'steady login'",
            400 when problem.Errors.Count > 0 => Invalid(problem),
            429 => $"the server is busy (429 Too Many Requests){(detail is null ? "" : ": " + detail)}; try again shortly",
            >= 500 => $"the server failed ({status}){(detail is null ? "" : ": " + detail)}",
            _ => detail ?? $"the server answered {status}",
        };
    }

    /// <summary>"invalid name, runbookUrl: 'name' is required. 'runbookUrl' must be ..." — the fields first, then what is wrong with them.</summary>
    private static string Invalid(ApiProblem problem)
    {
        var fields = string.Join(", ", problem.Errors.Keys);
        var messages = problem.Errors.Values.SelectMany(m => m).ToList();
        var text = messages.Count > 0 ? string.Join(" ", messages) : problem.Detail ?? problem.Title ?? "the request is not valid";
        return $"invalid {fields}: {OneLine(text)}";
    }

    /// <summary>Whitespace runs (newlines included) become one space and control characters go, so the message stays one line.</summary>
    public static string? OneLine(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        var builder = new StringBuilder(text.Length);
        var space = false;
        foreach (var c in text.Trim())
        {
            if (char.IsWhiteSpace(c))
            {
                space = true;
                continue;
            }
            if (char.IsControl(c))
                continue;
            if (space)
                builder.Append(' ');
            space = false;
            builder.Append(c);
        }
        return builder.ToString();
    }
}
