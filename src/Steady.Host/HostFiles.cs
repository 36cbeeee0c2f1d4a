using System.Text;
using Steady.Host.Native;

namespace Steady.Host;

/// <summary>
/// The files of a host under a root directory: "/" for the running host, or a fixture tree. Reads
/// are small, unbuffered and allocation-light, because a snapshot reads thousands of /proc files.
/// </summary>
public sealed class HostFiles : IHostFiles
{
    [ThreadStatic]
    private static byte[]? t_buffer;

    private readonly string _prefix;

    public HostFiles(string root = "/")
    {
        var full = Path.GetFullPath(root);
        Root = full;
        _prefix = full.EndsWith('/') ? full : full + "/";
    }

    public string Root { get; }

    /// <summary>The path on this machine for a path under the root.</summary>
    public string Full(string path) => path.Length > 0 && path[0] == '/' ? _prefix + path.TrimStart('/') : _prefix + path;

    public string? ReadText(string path)
    {
        var buffer = t_buffer ??= new byte[16 * 1024];
        var length = Libc.ReadAll(Full(path), ref buffer);
        // Keep a grown buffer for the next read, unless one huge file made it huge.
        t_buffer = buffer.Length <= 1024 * 1024 ? buffer : null;
        return length < 0 ? null : Encoding.UTF8.GetString(buffer, 0, length);
    }

    public IEnumerable<string> ReadLines(string path)
    {
        StreamReader reader;
        try
        {
            reader = new StreamReader(new FileStream(Full(path), FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 64 * 1024), Encoding.UTF8);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            yield break;
        }
        using (reader)
        {
            while (true)
            {
                string? line;
                try
                {
                    line = reader.ReadLine();
                }
                catch (IOException)
                {
                    yield break;
                }
                if (line is null)
                    yield break;
                yield return line;
            }
        }
    }

    public string? ReadTail(string path, int maxBytes)
    {
        try
        {
            using var handle = File.OpenHandle(Full(path));
            var length = RandomAccess.GetLength(handle);
            var start = Math.Max(0, length - maxBytes);
            var buffer = new byte[length - start];
            var total = 0;
            while (total < buffer.Length)
            {
                var read = RandomAccess.Read(handle, buffer.AsSpan(total), start + total);
                if (read == 0)
                    break;
                total += read;
            }
            var text = Encoding.UTF8.GetString(buffer, 0, total);
            // Cut back to a whole first line when the tail began mid-line.
            if (start > 0 && text.IndexOf('\n', StringComparison.Ordinal) is var newline and >= 0)
                text = text[(newline + 1)..];
            return text;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public IReadOnlyList<string> List(string path) => Libc.ListDirectory(Full(path)) ?? [];

    public bool Exists(string path) => Path.Exists(Full(path));

    public string? ReadLink(string path) => Libc.ReadLink(Full(path));

    public FileFacts? Stat(string path) => Libc.Statx(Full(path));

    public bool ReadKernelLog(string path, Action<string> line, Func<bool> keepGoing) => Libc.ReadKernelLog(Full(path), line, keepGoing);

    public VolumeFacts? StatVolume(string mountPoint) => Libc.StatVfs(Full(mountPoint));
}
