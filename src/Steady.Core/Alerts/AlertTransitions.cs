namespace Steady.Core.Alerts;

/// <summary>
/// The one home of an alert's state changes — acknowledge, resolve, re-trigger — each returning the
/// history event it caused, for the caller to store in the same unit of work. Intake, the API, the
/// console, ack links, incidents and the paging engine all change alerts through these; who may act,
/// and what stops paging, stays with them. Event ids come from the caller (they are stamped with the
/// server's clock).
/// </summary>
public static class AlertTransitions
{
    /// <summary>A triggered alert is acknowledged by someone (a person, or the monitoring tool); its group is not touched.</summary>
    public static AlertEvent Acknowledge(this Alert alert, Guid eventId, DateTimeOffset at, Guid? actorId, string actorName, string? note = null)
    {
        if (alert.Status != AlertStatus.Triggered)
            throw new InvalidOperationException($"Only a triggered alert can be acknowledged; alert {alert.Id} is {alert.Status}.");
        alert.Status = AlertStatus.Acknowledged;
        alert.AcknowledgedAt = at;
        alert.AcknowledgedById = actorId;
        alert.AcknowledgedBy = actorName;
        alert.Version++;
        return alert.Event(eventId, AlertEventKinds.Acknowledged, at, actorId, actorName, note);
    }

    /// <summary>An open alert is resolved; its group closes when it was the group's last open alert.</summary>
    public static AlertEvent Resolve(this Alert alert, AlertGroup? group, Guid eventId, DateTimeOffset at, Guid? actorId, string actorName, string? note = null)
    {
        if (alert.Status == AlertStatus.Resolved)
            throw new InvalidOperationException($"Alert {alert.Id} is already resolved.");
        alert.Status = AlertStatus.Resolved;
        alert.ResolvedAt = at;
        alert.ResolvedById = actorId;
        alert.ResolvedBy = actorName;
        alert.Version++;
        var resolved = alert.Event(eventId, AlertEventKinds.Resolved, at, actorId, actorName, note);
        if (group is null)
            return resolved;
        group.OpenCount = Math.Max(0, group.OpenCount - 1);
        if (group.OpenCount == 0)
        {
            group.IsOpen = false;
            group.ResolvedAt = at;
        }
        group.Version++;
        return resolved;
    }

    /// <summary>
    /// An acknowledged alert nobody resolved within its service's acknowledgement timeout triggers again:
    /// the acknowledgement comes off, and its history says whose it was. The engine restarts its group's run.
    /// </summary>
    public static AlertEvent Retrigger(this Alert alert, Guid eventId, DateTimeOffset at)
    {
        if (alert.Status != AlertStatus.Acknowledged)
            throw new InvalidOperationException($"Only an acknowledged alert can trigger again; alert {alert.Id} is {alert.Status}.");
        var note = $"acknowledged by {alert.AcknowledgedBy} at {alert.AcknowledgedAt:HH:mm} UTC and not resolved within the acknowledgement timeout";
        alert.Status = AlertStatus.Triggered;
        alert.AcknowledgedAt = null;
        alert.AcknowledgedById = null;
        alert.AcknowledgedBy = null;
        alert.Version++;
        return alert.Event(eventId, AlertEventKinds.Retriggered, at, null, "steady", note);
    }

    /// <summary>A history event of the alert: what happened, when, by whom.</summary>
    public static AlertEvent Event(this Alert alert, Guid eventId, string kind, DateTimeOffset at, Guid? actorId, string actorName, string? note = null) => new()
    {
        Id = eventId,
        AlertId = alert.Id,
        ServiceId = alert.ServiceId,
        DedupKey = alert.DedupKey,
        At = at,
        Kind = kind,
        ActorId = actorId,
        ActorName = actorName,
        Note = note,
    };
}
