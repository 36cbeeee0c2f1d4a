using System.Text.Json;

namespace Steady.Cli.Api;

/// <summary>
/// The server refused a request: the status and the RFC 9457 problem detail it sent (title,
/// detail, and for validation errors the fields and their messages).
/// </summary>
public sealed class ApiProblem : Exception
{
    public ApiProblem(int status, string? reason, string? title, string? detail, IReadOnlyDictionary<string, string[]>? errors, string? tokenSource)
        : base(detail ?? title ?? $"{status} {reason}")
    {
        Status = status;
        Reason = reason;
        Title = title;
        Detail = detail;
        Errors = errors ?? new Dictionary<string, string[]>();
        TokenSource = tokenSource;
    }

    public int Status { get; }

    public string? Reason { get; }

    public string? Title { get; }

    public string? Detail { get; }

    public IReadOnlyDictionary<string, string[]> Errors { get; }

    /// <summary>Where the refused token came from (--token, STEADY_TOKEN, the config file), for a 401.</summary>
    public string? TokenSource { get; }

    /// <summary>Reads a response body that should be a problem detail, and copes when it is not.</summary>
    public static ApiProblem FromResponse(int status, string? reason, string? body, string? tokenSource)
    {
        string? title = null, detail = null;
        Dictionary<string, string[]>? errors = null;
        if (!string.IsNullOrWhiteSpace(body))
        {
            try
            {
                using var document = JsonDocument.Parse(body);
                var root = document.RootElement;
                if (root.ValueKind == JsonValueKind.Object)
                {
                    title = String(root, "title");
                    detail = String(root, "detail");
                    if (root.TryGetProperty("errors", out var fields) && fields.ValueKind == JsonValueKind.Object)
                    {
                        errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
                        foreach (var field in fields.EnumerateObject())
                        {
                            errors[field.Name] = field.Value.ValueKind == JsonValueKind.Array
                                ? field.Value.EnumerateArray().Where(m => m.ValueKind == JsonValueKind.String).Select(m => m.GetString()!).ToArray()
                                : [];
                        }
                    }
                }
            }
            catch (JsonException)
            {
                // Not a problem detail (a proxy's HTML page, say): the status alone will have to do.
            }
        }
        return new ApiProblem(status, reason, title, detail, errors, tokenSource);
    }

    private static string? String(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(value.GetString())
            ? value.GetString()
            : null;
}
