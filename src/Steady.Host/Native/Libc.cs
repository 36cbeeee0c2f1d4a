using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace Steady.Host.Native;

/// <summary>
/// The few libc calls .NET does not expose: statx (size and device of a deleted file behind an fd
/// link), statvfs (inodes, which DriveInfo lacks), readlink without allocating a FileInfo, and
/// non-blocking reads of /dev/kmsg. Layouts are those of 64-bit Linux (x86_64 and arm64 share them).
/// </summary>
internal static unsafe partial class Libc
{
    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1, StatxIno = 0x100, StatxSize = 0x200, StatxBlocks = 0x400;
    private const int SIfMt = 0xF000, SIfReg = 0x8000;
    private const int ORdOnly = 0, ONonBlock = 0x800, OCloExec = 0x80000;
    private const int EPipe = 32, EIntr = 4;

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int StatxNative(int dirfd, string path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", EntryPoint = "statvfs", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int StatVfsNative(string path, byte* buffer);

    [LibraryImport("libc", EntryPoint = "readlink", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint ReadLinkNative(string path, byte* buffer, nint size);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenNative(string path, int flags);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static partial nint ReadNative(int fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int CloseNative(int fd);

    [LibraryImport("libc", EntryPoint = "opendir", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint OpenDirNative(string path);

    [LibraryImport("libc", EntryPoint = "readdir")]
    private static partial byte* ReadDirNative(nint dir);

    [LibraryImport("libc", EntryPoint = "closedir")]
    private static partial int CloseDirNative(nint dir);

    [LibraryImport("libc", EntryPoint = "sysconf")]
    private static partial long SysConfNative(int name);

    /// <summary>Clock ticks per second of /proc/PID/stat times (USER_HZ, 100 on Linux).</summary>
    public static long ClockTicks
    {
        get
        {
            try
            {
                var ticks = SysConfNative(2); // _SC_CLK_TCK
                return ticks > 0 ? ticks : 100;
            }
            catch (DllNotFoundException)
            {
                return 100;
            }
        }
    }

    public static FileFacts? Statx(string path)
    {
        var buffer = stackalloc byte[256];
        if (StatxNative(AtFdCwd, path, 0, StatxType | StatxIno | StatxSize | StatxBlocks, buffer) != 0)
            return null;
        var span = new ReadOnlySpan<byte>(buffer, 256);
        var mode = BinaryPrimitives.ReadUInt16LittleEndian(span[28..]);
        return new FileFacts(
            IsRegularFile: (mode & SIfMt) == SIfReg,
            Size: BinaryPrimitives.ReadInt64LittleEndian(span[40..]),
            AllocatedBytes: BinaryPrimitives.ReadInt64LittleEndian(span[48..]) * 512,
            DeviceMajor: BinaryPrimitives.ReadUInt32LittleEndian(span[136..]),
            DeviceMinor: BinaryPrimitives.ReadUInt32LittleEndian(span[140..]),
            Inode: BinaryPrimitives.ReadUInt64LittleEndian(span[32..]));
    }

    public static VolumeFacts? StatVfs(string path)
    {
        var buffer = stackalloc byte[128];
        if (StatVfsNative(path, buffer) != 0)
            return null;
        var words = new ReadOnlySpan<ulong>(buffer, 11);
        var fragment = (long)(words[1] != 0 ? words[1] : words[0]);
        return new VolumeFacts(
            TotalBytes: (long)words[2] * fragment,
            FreeBytes: (long)words[3] * fragment,
            AvailableBytes: (long)words[4] * fragment,
            TotalInodes: (long)words[5],
            FreeInodes: (long)words[6]);
    }

    public static string? ReadLink(string path)
    {
        var buffer = stackalloc byte[4096];
        var length = ReadLinkNative(path, buffer, 4096);
        return length < 0 ? null : Encoding.UTF8.GetString(buffer, (int)length);
    }

    /// <summary>
    /// A whole file into <paramref name="buffer"/> (grown as needed) by open, read and close alone:
    /// /proc files report no size, and File.OpenHandle's path checks, fstat and flock cost more than
    /// the read when a snapshot reads thousands of them. -1 when it cannot be opened or read.
    /// </summary>
    public static int ReadAll(string path, ref byte[] buffer)
    {
        var fd = OpenNative(path, ORdOnly | OCloExec);
        if (fd < 0)
            return -1;
        try
        {
            var length = 0;
            while (true)
            {
                if (length == buffer.Length)
                    Array.Resize(ref buffer, buffer.Length * 2);
                nint read;
                fixed (byte* start = &buffer[length])
                    read = ReadNative(fd, start, buffer.Length - length);
                if (read == 0)
                    return length;
                if (read < 0)
                {
                    if (Marshal.GetLastPInvokeError() == EIntr)
                        continue;
                    return -1;
                }
                length += (int)read;
            }
        }
        finally
        {
            CloseNative(fd);
        }
    }

    /// <summary>
    /// The names in a directory (not "." and ".."), by opendir and readdir: cheaper than .NET's
    /// enumeration for the thousands of /proc/PID/fd folders. Null when it cannot be opened.
    /// glibc and musl share struct dirent on 64-bit Linux: the name starts at byte 19.
    /// </summary>
    public static List<string>? ListDirectory(string path)
    {
        var dir = OpenDirNative(path);
        if (dir == 0)
            return null;
        try
        {
            var names = new List<string>();
            while (ReadDirNative(dir) is var entry && entry is not null)
            {
                var name = entry + 19;
                var length = 0;
                while (length < 256 && name[length] != 0)
                    length++;
                if (length == 1 && name[0] == '.' || length == 2 && name[0] == '.' && name[1] == '.')
                    continue;
                names.Add(Encoding.UTF8.GetString(name, length));
            }
            return names;
        }
        finally
        {
            CloseDirNative(dir);
        }
    }

    /// <summary>
    /// Each line /dev/kmsg holds now (it returns one record per read), without waiting for new ones;
    /// for a regular file (a fixture), each of its lines. False when it cannot be opened (reading
    /// the kernel log needs CAP_SYSLOG, or kernel.dmesg_restrict=0).
    /// </summary>
    public static bool ReadKernelLog(string path, Action<string> line, Func<bool> keepGoing)
    {
        var fd = OpenNative(path, ORdOnly | ONonBlock | OCloExec);
        if (fd < 0)
            return false;
        try
        {
            var pending = new StringBuilder();
            var buffer = stackalloc byte[16384];
            while (keepGoing())
            {
                var read = ReadNative(fd, buffer, 16384);
                if (read == 0)
                    break;
                if (read < 0)
                {
                    var errno = Marshal.GetLastPInvokeError();
                    if (errno is EPipe or EIntr)
                        continue; // a record was overwritten while we read: carry on with the next
                    break; // EAGAIN: nothing more for now
                }
                pending.Append(Encoding.UTF8.GetString(buffer, (int)read));
                var text = pending.ToString();
                var last = text.LastIndexOf('\n');
                if (last < 0)
                    continue;
                foreach (var l in text.AsSpan(0, last).ToString().Split('\n'))
                    line(l);
                pending.Clear().Append(text.AsSpan(last + 1));
            }
            if (pending.Length > 0)
                line(pending.ToString());
            return true;
        }
        finally
        {
            CloseNative(fd);
        }
    }
}
