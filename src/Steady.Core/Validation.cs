using System.Net.Mail;
using NodaTime;

namespace Steady.Core;

/// <summary>Collects field errors so a request is refused whole, naming every field that is wrong.</summary>
public sealed class Validation
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsValid => _errors.Count == 0;

    public Validation Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
            _errors[field] = list = [];
        list.Add(message);
        return this;
    }

    public Validation Name(string field, string? value, int max = 100)
    {
        if (string.IsNullOrWhiteSpace(value))
            return Add(field, $"'{field}' is required.");
        if (value.Trim().Length > max)
            Add(field, $"'{field}' must be at most {max} characters.");
        if (value.Any(char.IsControl))
            Add(field, $"'{field}' must not contain control characters.");
        return this;
    }

    /// <summary>A name that is also a path segment in the API (teams, services): no slashes.</summary>
    public Validation PathName(string field, string? value, int max = 100)
    {
        Name(field, value, max);
        if (value is not null && (value.Contains('/') || value.Contains('\\')))
            Add(field, $"'{field}' must not contain '/' or '\\': it is used in URLs.");
        return this;
    }

    public Validation Text(string field, string? value, int max)
    {
        if (value is not null && value.Length > max)
            Add(field, $"'{field}' must be at most {max} characters.");
        return this;
    }

    public Validation Email(string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
            return Add(field, $"'{field}' is required.");
        if (value.Length > 254 || !MailAddress.TryCreate(value.Trim(), out var parsed) || parsed.Address != value.Trim())
            Add(field, $"'{field}' is not a valid email address.");
        return this;
    }

    public Validation TimeZone(string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
            return Add(field, $"'{field}' is required.");
        if (DateTimeZoneProviders.Tzdb.GetZoneOrNull(value) is null)
            Add(field, $"'{field}' '{value}' is not a known IANA time zone (for example Europe/Berlin).");
        return this;
    }

    public Validation Url(string field, string? value)
    {
        if (string.IsNullOrEmpty(value))
            return this;
        if (value.Length > 2000 || !Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            Add(field, $"'{field}' must be an absolute http or https URL.");
        return this;
    }

    public Validation Password(string field, string? value)
    {
        if (string.IsNullOrEmpty(value))
            return Add(field, $"'{field}' is required.");
        if (value.Length < 12)
            Add(field, $"'{field}' must be at least 12 characters.");
        if (value.Length > 512)
            Add(field, $"'{field}' must be at most 512 characters.");
        return this;
    }

    public Failure? ToFailure() =>
        IsValid ? null : Failure.Invalid(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal));
}
