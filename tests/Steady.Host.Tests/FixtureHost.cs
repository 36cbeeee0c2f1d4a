using System.Globalization;
using Steady.Host;

namespace Steady.Host.Tests;

/// <summary>
/// A host made of files for tests: a fixture tree captured from a real machine (fixtures/NAME,
/// made by fixtures/capture.sh), with hand-made overlays laid over it (fixtures/odd/NAME: files
/// that replace or add, NAME.append files whose lines are added, and a REMOVE file listing paths to
/// take away). statvfs and the statx of
/// deleted files come from the sidecars .statvfs and .fdstat, as no file can hold them.
/// </summary>
public sealed class FixtureHost : IHostFiles, IDisposable
{
    private readonly HostFiles _files;
    private readonly Dictionary<string, VolumeFacts> _volumes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FileFacts> _fds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (TaskCompletionSource Reached, TaskCompletionSource Released)> _blocked = new(StringComparer.Ordinal);
    private readonly bool _temporary;

    private FixtureHost(string path, bool temporary)
    {
        Path = path;
        _temporary = temporary;
        _files = new HostFiles(path);
        ReadSidecars();
    }

    /// <summary>The folder holding the fixtures (tests/Steady.Host.Tests/fixtures), found from the test binary.</summary>
    public static string FixturesFolder { get; } = FindFixtures();

    public string Path { get; }

    public string Root => _files.Root;

    /// <summary>A captured tree as it is, read in place.</summary>
    public static FixtureHost Captured(string name = "debian12-vm") => new(System.IO.Path.Combine(FixturesFolder, name), temporary: false);

    /// <summary>A captured tree copied to a temporary folder with overlays from fixtures/odd laid over it, in order.</summary>
    public static FixtureHost With(params string[] overlays) => From("debian12-vm", overlays);

    public static FixtureHost From(string captured, params string[] overlays)
    {
        var path = Directory.CreateTempSubdirectory("steady-host-fixture-").FullName;
        try
        {
            Copy(System.IO.Path.Combine(FixturesFolder, captured), path);
            foreach (var overlay in overlays)
            {
                var source = System.IO.Path.Combine(FixturesFolder, "odd", overlay);
                if (!Directory.Exists(source))
                    throw new DirectoryNotFoundException($"no overlay fixtures/odd/{overlay}");
                var remove = System.IO.Path.Combine(source, "REMOVE");
                if (File.Exists(remove))
                {
                    foreach (var line in File.ReadAllLines(remove).Where(l => l.Length > 0 && !l.StartsWith('#')))
                        Delete(System.IO.Path.Combine(path, line));
                }
                Copy(source, path, mergeSidecars: true);
            }
            return new FixtureHost(path, temporary: true);
        }
        catch
        {
            Directory.Delete(path, recursive: true);
            throw;
        }
    }

    /// <summary>Replaces (or adds) a file: what the host looks like in the second sample.</summary>
    public void Write(string path, string text)
    {
        var full = System.IO.Path.Combine(Path, path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
    }

    public void Remove(string path) => Delete(System.IO.Path.Combine(Path, path));

    /// <summary>
    /// Reads of this path ("statvfs:/var" for a statvfs) hang, as on a dead NFS mount, until
    /// <see cref="Release"/>; the task completes when a read reaches the hang.
    /// </summary>
    public Task Block(string path)
    {
        var gate = (new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        _blocked[path] = gate;
        return gate.Item1.Task;
    }

    public void Release()
    {
        foreach (var gate in _blocked.Values)
            gate.Released.TrySetResult();
    }

    public string? ReadText(string path)
    {
        Gate(path);
        return _files.ReadText(path);
    }

    public IEnumerable<string> ReadLines(string path)
    {
        Gate(path);
        return _files.ReadLines(path);
    }

    public string? ReadTail(string path, int maxBytes) => _files.ReadTail(path, maxBytes);

    public IReadOnlyList<string> List(string path) => _files.List(path);

    public bool Exists(string path) => _files.Exists(path);

    public string? ReadLink(string path) => _files.ReadLink(path);

    public FileFacts? Stat(string path) => _fds.GetValueOrDefault(path);

    public VolumeFacts? StatVolume(string mountPoint)
    {
        Gate("statvfs:" + mountPoint);
        return _volumes.GetValueOrDefault(mountPoint);
    }

    public bool ReadKernelLog(string path, Action<string> line, Func<bool> keepGoing) => _files.ReadKernelLog(path, line, keepGoing);

    public void Dispose()
    {
        Release();
        if (_temporary)
        {
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private void Gate(string path)
    {
        if (_blocked.TryGetValue(path, out var gate))
        {
            gate.Reached.TrySetResult();
            gate.Released.Task.Wait();
        }
    }

    private void ReadSidecars()
    {
        foreach (var line in Lines(".statvfs"))
        {
            var (key, w) = line;
            if (w.Length < 6)
                continue;
            var fragment = L(w[0]);
            _volumes[key] = new VolumeFacts(L(w[1]) * fragment, L(w[2]) * fragment, L(w[3]) * fragment, L(w[4]), L(w[5]));
        }
        foreach (var line in Lines(".fdstat"))
        {
            var (key, w) = line;
            if (w.Length < 4)
                continue;
            var device = w[2].Split(':');
            _fds[key] = new FileFacts(true, L(w[0]), L(w[1]) * 512, uint.Parse(device[0], CultureInfo.InvariantCulture), uint.Parse(device[1], CultureInfo.InvariantCulture), ulong.Parse(w[3], CultureInfo.InvariantCulture));
        }
    }

    private IEnumerable<(string Key, string[] Words)> Lines(string sidecar)
    {
        var file = System.IO.Path.Combine(Path, sidecar);
        if (!File.Exists(file))
            yield break;
        foreach (var line in File.ReadAllLines(file))
        {
            var tab = line.IndexOf('\t', StringComparison.Ordinal);
            if (tab > 0)
                yield return (line[..tab], line[(tab + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        }
    }

    private static long L(string text) => long.Parse(text, CultureInfo.InvariantCulture);

    /// <summary>Copies a tree, keeping symbolic links as links; sidecars of an overlay are merged line by line (by key).</summary>
    private static void Copy(string from, string to, bool mergeSidecars = false) => CopyFolder(from, from, to, mergeSidecars);

    /// <summary>Walks the tree by hand: an fd link to a folder must be copied as a link, never walked into.</summary>
    private static void CopyFolder(string root, string folder, string to, bool mergeSidecars)
    {
        foreach (var entry in new DirectoryInfo(folder).EnumerateFileSystemInfos("*", new EnumerationOptions { AttributesToSkip = 0 }))
        {
            var relative = System.IO.Path.GetRelativePath(root, entry.FullName);
            var target = System.IO.Path.Combine(to, relative);
            if (relative == "REMOVE")
                continue;
            if (entry.LinkTarget is { } link)
            {
                Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
                Delete(target);
                File.CreateSymbolicLink(target, link);
            }
            else if (entry is DirectoryInfo)
            {
                Directory.CreateDirectory(target);
                CopyFolder(root, entry.FullName, to, mergeSidecars);
            }
            else if (relative.EndsWith(".append", StringComparison.Ordinal))
            {
                // Lines to add to the captured file (a mount, socket rows, kernel log records).
                File.AppendAllText(target[..^".append".Length], File.ReadAllText(entry.FullName));
            }
            else if (mergeSidecars && relative is ".statvfs" or ".fdstat" && File.Exists(target))
            {
                var merged = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var line in File.ReadAllLines(target).Concat(File.ReadAllLines(entry.FullName)).Where(l => l.Contains('\t', StringComparison.Ordinal)))
                    merged[line[..line.IndexOf('\t', StringComparison.Ordinal)]] = line;
                File.WriteAllLines(target, merged.Values);
            }
            else
            {
                Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
                File.Copy(entry.FullName, target, overwrite: true);
            }
        }
    }

    private static void Delete(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is not null || info.Exists)
            info.Delete();
        else if (Directory.Exists(path))
            Directory.Delete(path, recursive: true);
    }

    private static string FindFixtures()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "tests", "Steady.Host.Tests", "fixtures");
            if (Directory.Exists(candidate))
                return candidate;
        }
        throw new DirectoryNotFoundException("cannot find tests/Steady.Host.Tests/fixtures above " + AppContext.BaseDirectory);
    }
}
