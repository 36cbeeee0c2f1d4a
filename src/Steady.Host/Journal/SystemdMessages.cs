namespace Steady.Host.Journal;

/// <summary>The MESSAGE_IDs systemd gives its messages about units (sd-messages.h; `journalctl --list-catalog`).</summary>
public static class SystemdMessages
{
    public const string UnitStarted = "39f53479d3a045ac8e11786248231fbf";
    public const string UnitStopped = "9d1aaa27d60140bd96365438aad20286";
    public const string UnitFailed = "be02cf6855d2428ba40df7e9d022f03d";
    public const string UnitFailureResult = "d9b373ed55a64feb8242e02dbe79a49c";
    public const string UnitProcessExit = "98e322203f7a4ed290d09fe03c09fe15";
    public const string UnitRestartScheduled = "5eb03494b6584870a536b337290809b3";
    public const string UnitOutOfMemory = "fe6faa94e7774663a0da52717891d8ef";

    /// <summary>What a unit message says happened: "started", "stopped", "failed", "exited", "restart", "oom"; null for others.</summary>
    public static string? EventOf(string? messageId) => messageId switch
    {
        UnitStarted => "started",
        UnitStopped => "stopped",
        UnitFailed or UnitFailureResult => "failed",
        UnitProcessExit => "exited",
        UnitRestartScheduled => "restart",
        UnitOutOfMemory => "oom",
        _ => null,
    };

    /// <summary>Units whose starts and stops tell something: services, not sessions, scopes or each user's manager.</summary>
    public static bool IsService(string? unit) =>
        unit is not null && unit.EndsWith(".service", StringComparison.Ordinal)
        && !unit.StartsWith("user@", StringComparison.Ordinal) && !unit.StartsWith("user-runtime-dir@", StringComparison.Ordinal);
}
