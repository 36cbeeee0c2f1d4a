using System.Text;
using System.Text.RegularExpressions;

namespace Steady.Host;

/// <summary>
/// Takes secrets out of command lines before they are shown or stored: values of options and
/// key=value pairs whose name says secret (password, token, key, ...), the password in URLs
/// (scheme://user:***@host), Authorization and similar headers, "Bearer ..." and well-known token
/// shapes. What is redacted becomes "***"; everything else stays, so the line still says what ran.
/// </summary>
public static partial class Redactor
{
    public const string Mask = "***";

    /// <summary>
    /// The last word of a name (split on '-', '_', '.') that marks its value as secret:
    /// --db-password, DB_PASSWORD, aws_secret_access_key, --api-key, client.secret, ...
    /// </summary>
    private static readonly HashSet<string> SecretWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "password", "passwd", "pass", "pwd", "passphrase", "secret", "token", "key", "apikey", "credential",
        "credentials", "auth", "authorization", "cookie", "session", "sessionid", "privatekey", "accesskey", "secretkey",
    };

    /// <summary>Headers whose value is a credential, in "Name: value" arguments (curl -H ...).</summary>
    private static readonly HashSet<string> SecretHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "api-key", "x-auth-token", "private-token", "x-vault-token",
    };

    /// <summary>Programs whose -pSECRET (no space) is a password.</summary>
    private static readonly HashSet<string> MysqlLike = new(StringComparer.Ordinal) { "mysql", "mysqldump", "mysqladmin", "mariadb", "mariadb-dump", "mysqlimport" };

    /// <summary>A command line (argv) as one redacted line, arguments separated by spaces.</summary>
    public static string CommandLine(IReadOnlyList<string> args)
    {
        var result = new string[args.Count];
        var program = args.Count > 0 ? Path.GetFileName(args[0]) : "";
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (i > 0 && IsSecretOption(args[i - 1]) && !arg.StartsWith('-'))
            {
                // --password hunter2, --user name:pass, -H "Authorization: ..." handled below
                result[i] = args[i - 1] is "-u" or "--user" && arg.Contains(':', StringComparison.Ordinal)
                    ? arg[..arg.IndexOf(':', StringComparison.Ordinal)] + ":" + Mask
                    : Mask;
                continue;
            }
            if (MysqlLike.Contains(program) && arg.Length > 2 && arg.StartsWith("-p", StringComparison.Ordinal) && !arg.StartsWith("--", StringComparison.Ordinal))
            {
                result[i] = "-p" + Mask;
                continue;
            }
            result[i] = Text(arg);
        }
        return string.Join(' ', result);
    }

    /// <summary>Redacts secrets anywhere in a piece of text (one argument, a log line, apt's Commandline:).</summary>
    public static string Text(string text)
    {
        if (string.IsNullOrEmpty(text))
            return text;
        var redacted = UrlCredentials().Replace(text, m => $"{m.Groups["scheme"].Value}{m.Groups["user"].Value}:{Mask}@");
        redacted = Header().Replace(redacted, m => SecretHeaders.Contains(m.Groups["name"].Value) ? $"{m.Groups["name"].Value}:{m.Groups["space"].Value}{Mask}" : m.Value);
        redacted = Bearer().Replace(redacted, m => $"{m.Groups["scheme"].Value} {Mask}");
        redacted = QuotedPair().Replace(redacted, m => IsSecretName(m.Groups["name"].Value) ? $"{m.Groups["lead"].Value}{m.Groups["sep"].Value}\"{Mask}\"" : m.Value);
        redacted = Pair().Replace(redacted, m => IsSecretName(m.Groups["name"].Value) ? $"{m.Groups["lead"].Value}={Mask}" : m.Value);
        redacted = KnownToken().Replace(redacted, Mask);
        return redacted;
    }

    /// <summary>An option whose next argument is its value and a secret: --password, --token, -H (when the header is), --user.</summary>
    private static bool IsSecretOption(string option)
    {
        if (!option.StartsWith('-') || option.Contains('=', StringComparison.Ordinal))
            return false;
        if (option is "-u" or "--user" or "--proxy-user")
            return true;
        var name = option.TrimStart('-');
        return name.Length > 1 && IsSecretName(name);
    }

    private static bool IsSecretName(string name)
    {
        // PWD is the working directory, not a password.
        if (name.Equals("PWD", StringComparison.Ordinal) || name.Equals("OLDPWD", StringComparison.Ordinal))
            return false;
        var words = name.Split(['-', '_', '.'], StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0)
            return false;
        // The whole name joined (apiKey → apikey) or its last word (db_password → password).
        var last = words[^1];
        var joined = new StringBuilder().AppendJoin("", words).ToString();
        return SecretWords.Contains(last) || SecretWords.Contains(joined)
            || last.EndsWith("password", StringComparison.OrdinalIgnoreCase)
            || last.EndsWith("secret", StringComparison.OrdinalIgnoreCase)
            || last.EndsWith("token", StringComparison.OrdinalIgnoreCase);
    }

    [GeneratedRegex(@"(?<scheme>\b[a-zA-Z][a-zA-Z0-9+.-]*://)(?<user>[^\s:/@]*):(?<pass>[^\s/@]+)@")]
    private static partial Regex UrlCredentials();

    [GeneratedRegex(@"(?<name>\b[A-Za-z][A-Za-z0-9-]*):(?<space>\s*)(?<value>\S.*)$")]
    private static partial Regex Header();

    [GeneratedRegex(@"(?<scheme>\b(?:Bearer|Basic|bearer))\s+[A-Za-z0-9._~+/=-]{6,}")]
    private static partial Regex Bearer();

    /// <summary>"NAME": "value" inside JSON-ish arguments (--env {"DB_PASSWORD": "..."}).</summary>
    [GeneratedRegex("(?<lead>\"(?<name>[A-Za-z_][A-Za-z0-9_.-]*)\")(?<sep>\\s*:\\s*)\"(?:[^\"\\\\]|\\\\.)*\"")]
    private static partial Regex QuotedPair();

    /// <summary>name=value in arguments and URL query strings; the value runs to a space, '&amp;', ',' or ';'.</summary>
    [GeneratedRegex(@"(?<lead>(?:^|(?<=[\s&?;,]))-{0,2}(?<name>[A-Za-z_][A-Za-z0-9_.-]*))=(?<value>[^\s&;,]*)")]
    private static partial Regex Pair();

    /// <summary>Token shapes that are secrets wherever they appear: GitHub, Slack, AWS access keys, JWTs, Steady's own.</summary>
    [GeneratedRegex(@"\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|xox[abposr]-[A-Za-z0-9-]{10,}|AKIA[0-9A-Z]{16}|stdy_[A-Za-z0-9_-]{8,}|eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}|glpat-[A-Za-z0-9_-]{20,}|sk_live_[A-Za-z0-9]{16,})")]
    private static partial Regex KnownToken();
}
