namespace Steady.Host.Collect;

/// <summary>
/// The time one step may take. Loops ask <see cref="KeepGoing"/> and stop when it says no; the
/// step is then reported partial with the note it leaves (e.g. "read 1,200 of 2,146 processes").
/// </summary>
public sealed class StepBudget
{
    private readonly TimeProvider _time;
    private readonly long _started;
    private volatile bool _abandoned;
    private volatile bool _cutShort;
    private string? _note;

    internal StepBudget(TimeProvider time, TimeSpan limit)
    {
        _time = time;
        _started = time.GetTimestamp();
        Limit = limit;
    }

    public TimeSpan Limit { get; }

    public TimeSpan Elapsed => _time.GetElapsedTime(_started);

    public TimeSpan Remaining => Limit - Elapsed is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero;

    /// <summary>True while there is time left; once false, the step is partial.</summary>
    public bool KeepGoing()
    {
        if (!_abandoned && Elapsed < Limit)
            return true;
        _cutShort = true;
        return false;
    }

    /// <summary>The step could not read everything (cut short, or a source did not answer).</summary>
    public void MarkPartial(string note)
    {
        _cutShort = true;
        Note(note);
    }

    /// <summary>Something the report should say about this step, partial or not.</summary>
    public void Note(string note)
    {
        lock (this)
            _note = _note is null ? note : $"{_note}; {note}";
    }

    internal bool CutShort => _cutShort;

    internal string? NoteText
    {
        get
        {
            lock (this)
                return _note;
        }
    }

    internal void Abandon() => _abandoned = true;
}
