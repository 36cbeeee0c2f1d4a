namespace Steady.Core.Alerts.Formats;

/// <summary>What one intake request may carry, the same in every format. Beyond these, the request is refused whole with a 400 naming the field and the limit.</summary>
public static class IntakeLimits
{
    public const int MaxLabels = 64;
    public const int MaxLabelBytes = 4096;
    public const int MaxSummaryLength = 1024;
    public const int MaxDedupKeyLength = 255;
    public const int MaxAlertsPerRequest = 1000;
    public const int MaxLinks = 20;
    public const int MaxDetailsBytes = 64 * 1024;
}

/// <summary>The alerts of one intake request, or every reason it is refused.</summary>
public sealed record IntakeParse(IReadOnlyList<IncomingAlert> Alerts, IReadOnlyList<string> Errors)
{
    public bool IsValid => Errors.Count == 0;

    public static IntakeParse Invalid(params string[] errors) => new([], errors);
}
