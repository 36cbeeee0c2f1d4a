using System.Text;

namespace Steady.Core.Alerts;

/// <summary>
/// A check's target as people outside its team see it (and as its alerts carry it): an HTTP URL's user
/// and password become <c>***</c>, as does every query value (<c>https://***@internal/health?api_key=***</c>);
/// the scheme, host, port and path stay, so one can still tell what is checked. A TCP host:port has nothing to hide.
/// </summary>
public static class CheckTargets
{
    public const string Mask = "***";

    public static string Masked(CheckKind kind, string target)
    {
        if (kind != CheckKind.Http)
            return target;
        if (!Uri.TryCreate(target, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            return Mask;
        var masked = new StringBuilder();
        masked.Append(url.Scheme).Append("://");
        if (url.UserInfo.Length > 0)
            masked.Append(Mask).Append('@');
        masked.Append(url.IsDefaultPort ? url.Host : url.Authority).Append(url.AbsolutePath);
        var query = url.Query.TrimStart('?');
        if (query.Length > 0)
        {
            masked.Append('?').AppendJoin('&', query.Split('&').Select(pair =>
            {
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                return equals < 0 ? Mask : pair[..(equals + 1)] + Mask;
            }));
        }
        if (url.Fragment.Length > 1)
            masked.Append('#').Append(Mask);
        return masked.ToString();
    }

    /// <summary>True when the masked form hides something (the target carries a user, a password, a query or a fragment).</summary>
    public static bool HasSecrets(CheckKind kind, string target) => Masked(kind, target) != target;
}
