using System.IO.Enumeration;
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
    public string Full(string path) => _prefix + path.TrimStart('/');

    public string? ReadText(string path)
    {
        try
        {
            using var handle = File.OpenHandle(Full(path));
            var buffer = t_buffer ??= new byte[64 * 1024];
            var length = 0;
            while (true)
            {
                if (length == buffer.Length)
                    Array.Resize(ref buffer, buffer.Length * 2);
                // /proc files report size 0 and must be read sequentially until a read returns 0.
                var read = RandomAccess.Read(handle, buffer.AsSpan(length), length);
                if (read == 0)
                    break;
                length += read;
            }
            t_buffer = buffer.Length <= 1024 * 1024 ? buffer : null;
            return Encoding.UTF8.GetString(buffer, 0, length);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
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

    public IReadOnlyList<string> List(string path)
    {
        try
        {
            var names = new FileSystemEnumerable<string>(Full(path), static (ref entry) => entry.FileName.ToString(),
                new EnumerationOptions { IgnoreInaccessible = true, RecurseSubdirectories = false, AttributesToSkip = 0, ReturnSpecialDirectories = false });
            return [.. names];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    public bool Exists(string path) => Path.Exists(Full(path));

    public string? ReadLink(string path) => Libc.ReadLink(Full(path));

    public FileFacts? Stat(string path) => Libc.Statx(Full(path));

    public bool ReadKernelLog(string path, Action<string> line, Func<bool> keepGoing) => Libc.ReadKernelLog(Full(path), line, keepGoing);

    public VolumeFacts? StatVolume(string mountPoint) => Libc.StatVfs(Full(mountPoint));
}
