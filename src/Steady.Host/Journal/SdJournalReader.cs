using System.Buffers.Text;
using System.Runtime.InteropServices;
using System.Text;

namespace Steady.Host.Journal;

/// <summary>
/// The journal through libsystemd's sd-journal API, in-process (P/Invoke): sd_journal_open (the
/// local system's journal) or sd_journal_open_files (given files), sd_journal_add_match for the
/// unit filter, sd_journal_seek_realtime_usec to the window's start, then sd_journal_next and one
/// pass of sd_journal_enumerate_data per entry. No child process, no JSON in between.
/// </summary>
public sealed unsafe partial class SdJournalReader : JournalReader
{
    private const string Library = "libsystemd.so.0";
    private const int LocalOnly = 1;

    private static readonly Lazy<bool> Loadable = new(() =>
    {
        if (!NativeLibrary.TryLoad(Library, typeof(SdJournalReader).Assembly, null, out var handle))
            return false;
        var complete = NativeLibrary.TryGetExport(handle, "sd_journal_open_files", out _) && NativeLibrary.TryGetExport(handle, "sd_journal_enumerate_data", out _);
        return complete;
    });

    /// <summary>Whether libsystemd.so.0 can be loaded here.</summary>
    public static bool IsAvailable => Loadable.Value;

    public override string Source => SdJournalSource;

    public override IEnumerable<JournalEntry> Read(JournalQuery query, CancellationToken cancellationToken = default)
    {
        var journal = Open(query);
        try
        {
            var until = query.Until is { } u ? Usec(u) : ulong.MaxValue;
            var reading = new Reading();
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var entry = Next(journal, until, reading);
                if (entry is null)
                    yield break;
                yield return entry;
            }
        }
        finally
        {
            sd_journal_close(journal);
        }
    }

    private static nint Open(JournalQuery query)
    {
        nint journal;
        int rc;
        if (query.Files.Count == 0)
        {
            rc = sd_journal_open(&journal, LocalOnly);
            Check(rc, "sd_journal_open");
        }
        else
        {
            foreach (var file in query.Files)
            {
                if (!File.Exists(file))
                    throw new JournalException($"no journal file {file}");
            }
            var paths = stackalloc nint[query.Files.Count + 1];
            try
            {
                for (var i = 0; i < query.Files.Count; i++)
                    paths[i] = Marshal.StringToCoTaskMemUTF8(Path.GetFullPath(query.Files[i]));
                paths[query.Files.Count] = 0;
                rc = sd_journal_open_files(&journal, paths, 0);
            }
            finally
            {
                for (var i = 0; i < query.Files.Count; i++)
                    Marshal.FreeCoTaskMem(paths[i]);
            }
            Check(rc, $"sd_journal_open_files({string.Join(", ", query.Files)})");
        }
        try
        {
            // Long messages (stack traces) are cut at 8 KiB: enough for a timeline line, and it bounds memory.
            sd_journal_set_data_threshold(journal, 8192);
            var first = true;
            foreach (var match in query.Matches)
            {
                if (!first)
                    Check(sd_journal_add_disjunction(journal), "sd_journal_add_disjunction");
                first = false;
                var bytes = Encoding.UTF8.GetBytes(match);
                fixed (byte* data = bytes)
                    Check(sd_journal_add_match(journal, data, (nuint)bytes.Length), $"sd_journal_add_match({match})");
            }
            if (query.Since is { } since)
                Check(sd_journal_seek_realtime_usec(journal, Usec(since)), "sd_journal_seek_realtime_usec");
            else
                Check(sd_journal_seek_head(journal), "sd_journal_seek_head");
            return journal;
        }
        catch
        {
            sd_journal_close(journal);
            throw;
        }
    }

    /// <summary>Field values of the entry being read; reused from entry to entry.</summary>
    private sealed class Reading
    {
        public string? Host, Unit, Identifier, Command, Transport, MessageId, AboutUnit, Message;
        public int? Pid, Priority;

        public readonly Last LastHost = new(), LastUnit = new(), LastAbout = new(), LastIdentifier = new(), LastCommand = new(), LastTransport = new(), LastMessageId = new();

        public void Clear()
        {
            Host = Unit = Identifier = Command = Transport = MessageId = AboutUnit = Message = null;
            Pid = Priority = null;
        }
    }

    private static JournalEntry? Next(nint journal, ulong until, Reading r)
    {
        var moved = sd_journal_next(journal);
        Check(moved, "sd_journal_next");
        if (moved == 0)
            return null;
        ulong realtime, monotonic;
        Check(sd_journal_get_realtime_usec(journal, &realtime), "sd_journal_get_realtime_usec");
        if (realtime >= until)
            return null;
        var boot = stackalloc byte[16];
        Check(sd_journal_get_monotonic_usec(journal, &monotonic, boot), "sd_journal_get_monotonic_usec");

        r.Clear();
        sd_journal_restart_data(journal);
        void* data;
        nuint length;
        while (sd_journal_enumerate_data(journal, &data, &length) > 0)
        {
            var item = new ReadOnlySpan<byte>(data, (int)length);
            var eq = item.IndexOf((byte)'=');
            if (eq <= 0)
                continue;
            Take(r, item[..eq], item[(eq + 1)..]);
        }
        return new JournalEntry(
            FromUsec(realtime),
            Convert.ToHexStringLower(new ReadOnlySpan<byte>(boot, 16)),
            monotonic, r.Host, r.Unit, r.Identifier, r.Command, r.Pid, r.Priority, r.Transport, r.MessageId, r.AboutUnit, r.Message ?? "");
    }

    private static void Take(Reading r, ReadOnlySpan<byte> field, ReadOnlySpan<byte> value)
    {
        switch (field.Length)
        {
            case 4 when field.SequenceEqual("UNIT"u8):
                r.AboutUnit = r.LastAbout.Of(value);
                break;
            case 4 when field.SequenceEqual("_PID"u8):
                r.Pid = Utf8Parser.TryParse(value, out int pid, out _) ? pid : null;
                break;
            case 5 when field.SequenceEqual("_COMM"u8):
                r.Command = r.LastCommand.Of(value);
                break;
            case 7 when field.SequenceEqual("MESSAGE"u8):
                r.Message = Encoding.UTF8.GetString(value);
                break;
            case 8 when field.SequenceEqual("PRIORITY"u8):
                r.Priority = value.Length == 1 && value[0] is >= (byte)'0' and <= (byte)'7' ? value[0] - '0' : null;
                break;
            case 9 when field.SequenceEqual("_HOSTNAME"u8):
                r.Host = r.LastHost.Of(value);
                break;
            case 9 when field.SequenceEqual("USER_UNIT"u8):
                r.AboutUnit ??= r.LastAbout.Of(value);
                break;
            case 10 when field.SequenceEqual("MESSAGE_ID"u8):
                r.MessageId = r.LastMessageId.Of(value);
                break;
            case 10 when field.SequenceEqual("_TRANSPORT"u8):
                r.Transport = r.LastTransport.Of(value);
                break;
            case 13 when field.SequenceEqual("_SYSTEMD_UNIT"u8):
                r.Unit = r.LastUnit.Of(value);
                break;
            case 17 when field.SequenceEqual("SYSLOG_IDENTIFIER"u8):
                r.Identifier = r.LastIdentifier.Of(value);
                break;
        }
    }

    /// <summary>The last value of a field, as bytes and string: host names and units repeat from entry to entry.</summary>
    private sealed class Last
    {
        private byte[] _bytes = [];
        private string _text = "";

        public string Of(ReadOnlySpan<byte> value)
        {
            if (!value.SequenceEqual(_bytes))
            {
                _bytes = value.ToArray();
                _text = Encoding.UTF8.GetString(value);
            }
            return _text;
        }
    }

    /// <summary>Microseconds since the epoch, as the journal counts time.</summary>
    internal static ulong Usec(DateTimeOffset at) => (ulong)Math.Max(0, (at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10);

    internal static DateTimeOffset FromUsec(ulong usec) => DateTimeOffset.UnixEpoch.AddTicks((long)usec * 10);

    private static void Check(int rc, string call)
    {
        if (rc < 0)
            throw new JournalException($"{call} failed: {Marshal.GetPInvokeErrorMessage(-rc)}");
    }

    [LibraryImport(Library)]
    private static partial int sd_journal_open(nint* ret, int flags);

    [LibraryImport(Library)]
    private static partial int sd_journal_open_files(nint* ret, nint* paths, int flags);

    [LibraryImport(Library)]
    private static partial void sd_journal_close(nint journal);

    [LibraryImport(Library)]
    private static partial int sd_journal_set_data_threshold(nint journal, nuint size);

    [LibraryImport(Library)]
    private static partial int sd_journal_add_match(nint journal, void* data, nuint size);

    [LibraryImport(Library)]
    private static partial int sd_journal_add_disjunction(nint journal);

    [LibraryImport(Library)]
    private static partial int sd_journal_seek_realtime_usec(nint journal, ulong usec);

    [LibraryImport(Library)]
    private static partial int sd_journal_seek_head(nint journal);

    [LibraryImport(Library)]
    private static partial int sd_journal_next(nint journal);

    [LibraryImport(Library)]
    private static partial int sd_journal_get_realtime_usec(nint journal, ulong* ret);

    [LibraryImport(Library)]
    private static partial int sd_journal_get_monotonic_usec(nint journal, ulong* ret, byte* bootId);

    [LibraryImport(Library)]
    private static partial void sd_journal_restart_data(nint journal);

    [LibraryImport(Library)]
    private static partial int sd_journal_enumerate_data(nint journal, void** data, nuint* length);
}
