using System.Globalization;
using Steady.Host;
using Steady.Host.Model;

namespace Steady.Cli.Output;

/// <summary>
/// A snapshot for a person at a terminal: a heading, the findings (each with its evidence), then
/// the data as short sections and compact tables. Empty sections say so in one line.
/// </summary>
internal static class SnapshotView
{
    public static void Write(TextWriter o, Snapshot s, TimeZoneInfo zone)
    {
        Heading(o, s, zone);
        Findings(o, s);
        Summary(o, s);
        Processes(o, s);
        Filesystems(o, s);
        Deleted(o, s);
        Disks(o, s);
        Sockets(o, s);
        Interfaces(o, s);
        Changes(o, s, zone);
        Steps(o, s);
    }

    private static void Heading(TextWriter o, Snapshot s, TimeZoneInfo zone)
    {
        var h = s.Host;
        var at = TimeZoneInfo.ConvertTime(s.TakenAt, zone).ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture);
        var about = new List<string>();
        if (h.Os is not null)
            about.Add(h.Os);
        if (h.Kernel is not null)
            about.Add($"kernel {h.Kernel}");
        about.Add($"{h.Cpus} CPU{(h.Cpus == 1 ? "" : "s")}");
        if (h.UptimeSeconds is { } up)
            about.Add($"up {Size.Duration(TimeSpan.FromSeconds(up))}");
        o.WriteLine($"Snapshot of {Table.Clean(h.Hostname)} at {at} ({string.Join(", ", about.Select(Table.Clean))})");
        var rates = s.IntervalSeconds > 0 ? $"Rates over {s.IntervalSeconds.ToString("0.0#", CultureInfo.InvariantCulture)} s" : "No interval, so no rates";
        o.WriteLine($"{rates}; taken in {s.ElapsedSeconds.ToString("0.00", CultureInfo.InvariantCulture)} s{(h.Root == "/" ? "" : $"; root {Table.Clean(h.Root)}")}");
        o.WriteLine();
    }

    private static void Findings(TextWriter o, Snapshot s)
    {
        if (s.Findings.Count == 0)
        {
            o.WriteLine("FINDINGS: none; nothing crossed a threshold.");
            o.WriteLine();
            return;
        }
        o.WriteLine($"FINDINGS ({s.Findings.Count})");
        foreach (var finding in s.Findings)
        {
            o.WriteLine($"{Label(finding.Severity)} {Table.Clean(finding.Text)}");
            foreach (var evidence in finding.Evidence)
                o.WriteLine($"           {Table.Clean(evidence)}");
        }
        o.WriteLine();
    }

    private static string Label(string severity) => severity switch
    {
        Finding.Critical => "  CRITICAL",
        Finding.Warning => "  WARNING ",
        _ => "  info    ",
    };

    private static void Summary(TextWriter o, Snapshot s)
    {
        var lines = new Fields();
        if (s.Cpu is { } c)
        {
            var t = c.Total;
            var use = t.BusyPercent is null
                ? "use not measured (no interval); "
                : $"{P(t.BusyPercent)} busy (user {P(t.UserPercent)}, system {P(t.SystemPercent)}, iowait {P(t.IowaitPercent)}, steal {P(t.StealPercent)}); per CPU {string.Join(" ", c.PerCpu.Select(u => P(u.BusyPercent)))} (with this snapshot's own work); ";
            lines.Add("CPU", use + $"runnable {c.ProcsRunning}, blocked {c.ProcsBlocked}; "
                + $"load {Load(c.Load1)} {Load(c.Load5)} {Load(c.Load15)}");
        }
        if (s.Memory is { } m)
        {
            lines.Add("Memory", $"{Size.Human(m.AvailableBytes)} available of {Size.Human(m.TotalBytes)} ({Size.Percent(m.AvailablePercent)}); "
                + (m.SwapTotalBytes > 0 ? $"swap {Size.Human(m.SwapUsedBytes)} used of {Size.Human(m.SwapTotalBytes)}, in {Rate(m.SwapInBytesPerSecond)} out {Rate(m.SwapOutBytesPerSecond)}" : "no swap")
                + $"; OOM kills {(m.OomKills is { } k ? $"{k.SinceBoot} since boot, {k.InWindow ?? 0} in the interval" : "not counted by this kernel")}");
        }
        if (s.Pressure is { } p)
        {
            lines.Add("Pressure", p.Available
                ? $"cpu {Psi(p.Cpu?.Some)}; memory {Psi(p.Memory?.Some)}, full {Psi(p.Memory?.Full)}; io {Psi(p.Io?.Some)}, full {Psi(p.Io?.Full)} (avg10, avg60)"
                : $"unavailable: {p.Reason}");
        }
        if (s.Processes is { } ps)
        {
            lines.Add("Processes", $"{Size.Count(ps.Count)} ({string.Join(", ", ps.States.Select(kv => $"{kv.Value} {kv.Key}"))}), {Size.Count(ps.Threads)} threads"
                + (ps.FileHandles is { } fh ? $"; file handles {Size.Count(fh.Allocated)} of {Size.Count(fh.Max)}" : ""));
        }
        lines.WriteTo(o);
        o.WriteLine();
    }

    private static void Processes(TextWriter o, Snapshot s)
    {
        if (s.Processes is not { } p)
            return;
        ProcessTable(o, "TOP PROCESSES BY CPU", p.TopByCpu, s.IntervalSeconds > 0 ? "no process used CPU in the interval" : "not measured without an interval");
        ProcessTable(o, "TOP PROCESSES BY MEMORY", p.TopByMemory, "none");
        if (p.Blocked.Count > 0)
            ProcessTable(o, "BLOCKED IN THE KERNEL (D STATE)", p.Blocked, "none", blocked: true);
    }

    private static void ProcessTable(TextWriter o, string title, IReadOnlyList<ProcessReport> processes, string empty, bool blocked = false)
    {
        if (processes.Count == 0)
        {
            o.WriteLine($"{title}: {empty}");
            o.WriteLine();
            return;
        }
        o.WriteLine(title);
        var table = blocked
            ? new Table("Pid", "User", "Name", "CPU%", "RSS", "Wchan", "Command").Limit(1, 10).Limit(2, 16).Limit(6, 70)
            : new Table("Pid", "User", "Name", "CPU%", "RSS", "Swap", "FDs", "Thr", "Command").Limit(1, 10).Limit(2, 16).Limit(8, 70);
        foreach (var p in processes)
        {
            if (blocked)
                table.Add(I(p.Pid), p.User ?? "-", p.Name, Pct(p.CpuPercent), Size.Human(p.RssBytes), p.Wchan ?? "-", p.CommandLine);
            else
                table.Add(I(p.Pid), p.User ?? "-", p.Name, Pct(p.CpuPercent), Size.Human(p.RssBytes), p.SwapBytes is > 0 ? Size.Human(p.SwapBytes.Value) : "-", p.Fds is { } f ? I(f) : "-", I(p.Threads), p.CommandLine);
        }
        Indent(o, table);
    }

    private static void Filesystems(TextWriter o, Snapshot s)
    {
        if (s.Filesystems is not { } f)
            return;
        if (f.Mounts.Count == 0)
        {
            o.WriteLine($"FILESYSTEMS: {f.Note ?? "none"}");
            o.WriteLine();
            return;
        }
        o.WriteLine("FILESYSTEMS");
        var table = new Table("Mount", "Type", "Size", "Used", "Avail", "Use%", "Inodes%", "Deleted-open", "Growth").Limit(0, 40);
        foreach (var m in f.Mounts)
        {
            var growth = m.Growth is { } g
                ? g.UsedBytesChange == 0 ? $"none in {Size.Duration(s.TakenAt - g.Since)}" : $"{(g.UsedBytesChange > 0 ? "+" : "")}{Size.Human(g.UsedBytesChange)} in {Size.Duration(s.TakenAt - g.Since)}"
                : "-";
            table.Add(m.MountPoint + (m.ReadOnly ? " (ro)" : ""), m.Type, B(m.SizeBytes), B(m.UsedBytes), B(m.AvailableBytes), Pct(m.UsedPercent), Pct(m.InodesUsedPercent),
                m.DeletedOpenBytes > 0 ? Size.Human(m.DeletedOpenBytes) : "-", m.Note ?? growth);
        }
        Indent(o, table);
    }

    private static void Deleted(TextWriter o, Snapshot s)
    {
        if (s.DeletedFiles is not { FileCount: > 0 } d)
            return;
        o.WriteLine($"DELETED FILES STILL OPEN ({d.FileCount} file{(d.FileCount == 1 ? "" : "s")}, {Size.Human(d.TotalBytes)})");
        var table = new Table("Pid", "Name", "FD", "Size", "Mount", "Path").Limit(1, 16).Limit(5, 70);
        foreach (var f in d.Files.Take(10))
            table.Add(I(f.Pid), f.Process, I(f.Fd), Size.Human(f.SizeBytes), f.MountPoint ?? "-", f.Path);
        Indent(o, table);
    }

    private static void Disks(TextWriter o, Snapshot s)
    {
        if (s.Disks is not { } disks)
            return;
        if (disks.Count == 0)
        {
            o.WriteLine("DISKS: no block device has done I/O since boot");
            o.WriteLine();
            return;
        }
        o.WriteLine("DISKS");
        var table = new Table("Device", "Util%", "Reads/s", "Writes/s", "Read/s", "Write/s", "Await-ms", "Queue", "In-flight");
        foreach (var d in disks)
            table.Add(d.Name, Pct(d.UtilPercent), N(d.ReadsPerSecond), N(d.WritesPerSecond), Rate(d.ReadBytesPerSecond), Rate(d.WriteBytesPerSecond), N(d.AwaitMs), N(d.QueueDepth), I(d.InFlight));
        Indent(o, table);
    }

    private static void Sockets(TextWriter o, Snapshot s)
    {
        if (s.Sockets is not { } k)
            return;
        var states = k.TcpByState.Count == 0 ? "none" : string.Join(", ", k.TcpByState.Select(kv => $"{kv.Value} {kv.Key}"));
        o.WriteLine($"SOCKETS: TCP {states}; UDP {k.UdpSockets}{(k.Truncated ? " (tables cut at the row cap)" : "")}");
        if (k.ByLocalPort.Count + k.ByRemote.Count > 0)
        {
            var table = new Table("Proto", "State", "Local-port", "Remote", "Count", "Processes").Limit(5, 60);
            foreach (var g in k.ByLocalPort)
                table.Add(g.Protocol, g.State, I(g.Port), "-", I(g.Count), Owners(g.Owners));
            foreach (var g in k.ByRemote)
                table.Add(g.Protocol, g.State, "-", Endpoint(g.Address, g.Port), I(g.Count), Owners(g.Owners));
            Indent(o, table);
        }
        else
        {
            o.WriteLine();
        }
        if (k.Listeners.Count > 0)
        {
            o.WriteLine($"LISTENING (accept queue: connections waiting; the backlog is at most somaxconn = {k.Somaxconn?.ToString(CultureInfo.InvariantCulture) ?? "?"})");
            var table = new Table("Proto", "Address", "Port", "Waiting", "Process").Limit(4, 60);
            foreach (var l in k.Listeners)
                table.Add(l.Protocol, l.Address, I(l.Port), I(l.AcceptQueue), l.Owners.Count == 0 ? "-" : string.Join(", ", l.Owners.Select(w => $"{w.Pid} {w.Process}")));
            Indent(o, table);
        }
        if (s.Network?.Tcp is { } tcp)
        {
            o.WriteLine($"TCP in the interval: {W(tcp.SegmentsOut)} segments sent, {W(tcp.RetransmittedSegments)} retransmitted, {W(tcp.ListenOverflows)} listen overflows, {W(tcp.ResetsSent)} resets sent; UDP {W(tcp.UdpReceiveBufferErrors)} receive-buffer errors");
            o.WriteLine($"TCP since boot:      {B(tcp.SegmentsOut)} segments sent, {B(tcp.RetransmittedSegments)} retransmitted{RetransmitShare(tcp)}, {B(tcp.ListenOverflows)} listen overflows, {B(tcp.ResetsSent)} resets sent; UDP {B(tcp.UdpReceiveBufferErrors)} receive-buffer errors"
                + (s.Network.Conntrack is { } ct ? $"; conntrack {Size.Count(ct.Count)} of {Size.Count(ct.Max)}" : ""));
            o.WriteLine();
        }
    }

    private static string W(Counter? c) => c?.InWindow is { } w ? Size.Count(w) : "-";

    private static string B(Counter? c) => c is null ? "-" : Size.Count(c.SinceBoot);

    private static string RetransmitShare(TcpCounters tcp) =>
        tcp is { RetransmittedSegments.SinceBoot: var r, SegmentsOut.SinceBoot: > 0 and var sent } ? $" ({Size.Percent(100.0 * r / sent)})" : "";

    private static void Interfaces(TextWriter o, Snapshot s)
    {
        if (s.Network is not { Interfaces.Count: > 0 } n)
            return;
        o.WriteLine("NETWORK INTERFACES (errors and drops: in the interval / since boot)");
        var table = new Table("Name", "State", "Speed", "Rx/s", "Tx/s", "Rx-errors", "Rx-drops", "Tx-errors", "Tx-drops");
        foreach (var i in n.Interfaces)
            table.Add(i.Name, i.OperState ?? "-", i.SpeedMbps is { } sp ? $"{sp} Mb/s" : "-", Rate(i.RxBytesPerSecond), Rate(i.TxBytesPerSecond), C(i.RxErrors), C(i.RxDrops), C(i.TxErrors), C(i.TxDrops));
        Indent(o, table);
    }

    private static void Changes(TextWriter o, Snapshot s, TimeZoneInfo zone)
    {
        if (s.Systemd is { } systemd)
        {
            if (!systemd.Running || systemd.Note is not null && systemd.Failed.Count == 0)
                o.WriteLine($"SYSTEMD: {systemd.Note}");
            else if (systemd.Failed.Count == 0)
                o.WriteLine("SYSTEMD: no failed units");
            else
            {
                o.WriteLine("SYSTEMD FAILED UNITS");
                var table = new Table("Unit", "Load", "Active", "Sub", "Description").Limit(4, 60);
                foreach (var u in systemd.Failed)
                    table.Add(u.Unit, u.Load, u.Active, u.Sub, u.Description);
                Indent(o, table);
            }
        }
        if (s.Packages is { } p)
        {
            if (p.Changes.Count == 0)
                o.WriteLine($"PACKAGES: {p.Note ?? $"no changes in the last {p.WindowDays} days"}");
            else
            {
                o.WriteLine($"PACKAGE CHANGES (last {p.WindowDays} days: {p.ChangesInWindow}{(p.ChangesInWindow > p.Changes.Count ? $", newest {p.Changes.Count} shown" : "")})");
                var table = new Table("When", "Action", "Package", "From", "To").Limit(2, 40);
                foreach (var c in p.Changes.Take(10))
                    table.Add(TimeZoneInfo.ConvertTime(c.At, zone).ToString("MM-dd HH:mm", CultureInfo.InvariantCulture), c.Action, c.Package, c.FromVersion ?? "-", c.ToVersion ?? "-");
                Indent(o, table);
            }
        }
        if (s.KernelLog is { } k)
        {
            if (!k.Readable)
                o.WriteLine($"KERNEL LOG: {k.Note}");
            else if (k.OomKills.Count == 0 && k.Events.Count == 0)
                o.WriteLine("KERNEL LOG: no OOM kills, hung tasks, I/O or filesystem errors in the ring buffer");
            else
            {
                o.WriteLine("KERNEL LOG");
                foreach (var kill in k.OomKills.Take(5))
                    o.WriteLine($"  OOM kill: {Table.Clean(kill.Process)} (pid {kill.Pid}){(kill.AnonRssBytes is { } rss ? $", {Size.Human(rss)}" : "")}{(kill.At is { } at ? $", {Size.Ago(s.TakenAt - at)}" : "")}");
                foreach (var e in k.Events)
                    o.WriteLine($"  {e.Kind}: {e.Count} in the buffer, {e.Recent} recent; last: {Table.Clean(e.LastMessage)}");
            }
        }
        Journal(o, s);
        o.WriteLine();
    }

    private static void Journal(TextWriter o, Snapshot s)
    {
        var journal = s.Journal;
        if (!journal.Collected)
        {
            o.WriteLine($"JOURNAL: not read; {journal.Note}");
            return;
        }
        var minutes = journal.Since is { } since ? Math.Round((s.TakenAt - since).TotalMinutes) : 0;
        if (journal.Units.Count == 0)
        {
            o.WriteLine($"JOURNAL: no service starts, stops, failures or restarts in the last {minutes:0} minutes");
            return;
        }
        o.WriteLine($"SERVICES IN THE JOURNAL (last {minutes:0} minutes)");
        var table = new Table("  UNIT", "STARTS", "STOPS", "FAILURES", "RESTARTS", "OOM", "LAST").Limit(6, 90);
        foreach (var u in journal.Units)
            table.Add($"  {u.Unit}", Num(u.Starts), Num(u.Stops), Num(u.Failures), Num(u.Restarts), Num(u.OomKills), $"{Size.Ago(s.TakenAt - u.LastAt)}: {u.LastMessage}");
        table.WriteTo(o);

        static string Num(int n) => n.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void Steps(TextWriter o, Snapshot s)
    {
        var incomplete = s.Steps.Where(step => step.Status != StepReport.Complete).ToList();
        if (incomplete.Count == 0)
            return;
        o.WriteLine("INCOMPLETE STEPS");
        var table = new Table("Step", "Status", "Took-ms", "Budget-ms", "Note").Limit(4, 90);
        foreach (var step in incomplete)
            table.Add(step.Name, step.Status, step.ElapsedMs.ToString("0", CultureInfo.InvariantCulture), step.BudgetMs.ToString("0", CultureInfo.InvariantCulture), step.Note ?? "-");
        Indent(o, table);
    }

    private static void Indent(TextWriter o, Table table, bool blankAfter = true)
    {
        foreach (var line in table.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries))
            o.WriteLine("  " + line);
        if (blankAfter)
            o.WriteLine();
    }

    private static string Owners(IReadOnlyList<SocketOwner> owners) =>
        owners.Count == 0 ? "-" : string.Join(", ", owners.Select(w => $"{w.Pid} {w.Process} ×{w.Count}"));

    private static string Endpoint(string? address, int port) =>
        address is null ? I(port) : address.Contains(':', StringComparison.Ordinal) ? $"[{address}]:{port}" : $"{address}:{port}";

    private static string C(Counter? c) => c is null ? "-" : $"{(c.InWindow is { } w ? Size.Count(w) : "-")}/{Size.Count(c.SinceBoot)}";

    private static string P(double? percent) => percent is { } p ? Size.Percent(p) : "-";

    private static string Pct(double? percent) => percent is { } p ? p.ToString("0.#", CultureInfo.InvariantCulture) : "-";

    private static string Psi(PressureLine? line) => line is null ? "-" : $"{N(line.Avg10)}% {N(line.Avg60)}%";

    private static string B(long? bytes) => bytes is { } b ? Size.Human(b) : "-";

    private static string Rate(double? bytesPerSecond) => bytesPerSecond is { } r ? $"{Size.Human(r)}/s" : "-";

    private static string N(double? value) => value is { } v ? Size.Number(v) : "-";

    private static string Load(double load) => load.ToString("0.00", CultureInfo.InvariantCulture);

    private static string I(long value) => value.ToString(CultureInfo.InvariantCulture);
}
