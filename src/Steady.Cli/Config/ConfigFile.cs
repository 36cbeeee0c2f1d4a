using System.Text.Json;

namespace Steady.Cli.Config;

/// <summary>
/// The file `steady login` writes: $XDG_CONFIG_HOME/steady/config.json, else
/// ~/.config/steady/config.json. It holds a credential, so the directory is 0700 and the file
/// 0600, and it is replaced whole (written beside, then renamed) so a crash never leaves half a file.
/// </summary>
public static class ConfigFile
{
    private const UnixFileMode PrivateDirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode PrivateFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static string PathFor(IReadOnlyDictionary<string, string?> env)
    {
        if (env.GetValueOrDefault("XDG_CONFIG_HOME") is { Length: > 0 } xdg && Path.IsPathRooted(xdg))
            return Path.Combine(xdg, "steady", "config.json");
        var home = env.GetValueOrDefault("HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (string.IsNullOrEmpty(home))
            throw new CliException("cannot tell where to keep the configuration: neither HOME nor XDG_CONFIG_HOME is set");
        return Path.Combine(home, ".config", "steady", "config.json");
    }

    /// <summary>The stored configuration, or an empty one when there is no file yet.</summary>
    public static StoredConfig Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return StoredConfig.Empty;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot read {path}: {e.Message}");
        }
        try
        {
            return JsonSerializer.Deserialize(text, CliJson.Default.StoredConfig) ?? StoredConfig.Empty;
        }
        catch (JsonException)
        {
            throw new CliException($"{path} is not valid JSON; fix it, or delete it and run 'steady login'");
        }
    }

    public static void Save(string path, StoredConfig config)
    {
        var directory = Path.GetDirectoryName(path)!;
        var temporary = $"{path}.{Environment.ProcessId}.tmp";
        try
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(directory);
                File.WriteAllText(temporary, JsonSerializer.Serialize(config, CliJson.Default.StoredConfig));
            }
            else
            {
                Directory.CreateDirectory(directory, PrivateDirectoryMode);
                // The directory may have existed with wider permissions; it is ours, so narrow it.
                File.SetUnixFileMode(directory, PrivateDirectoryMode);
                using (var stream = new FileStream(temporary, new FileStreamOptions
                {
                    Mode = FileMode.Create,
                    Access = FileAccess.Write,
                    UnixCreateMode = PrivateFileMode,
                }))
                {
                    JsonSerializer.Serialize(stream, config, CliJson.Default.StoredConfig);
                    stream.Flush(flushToDisk: true);
                }
                // UnixCreateMode is filtered by the umask, and Create keeps the mode of a leftover file: set it outright.
                File.SetUnixFileMode(temporary, PrivateFileMode);
            }
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            throw new CliException($"cannot write {path}: {e.Message}");
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: the failure being reported matters more than the leftover.
        }
    }
}
