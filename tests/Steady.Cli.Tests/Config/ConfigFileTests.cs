using System.Runtime.Versioning;
using Steady.Cli.Config;

namespace Steady.Cli.Tests.Config;

public sealed class ConfigFileTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("steady-config-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void TheFileLivesUnderXdgConfigHomeWhenItIsSet()
    {
        var path = ConfigFile.PathFor(new Dictionary<string, string?> { ["HOME"] = "/home/a", ["XDG_CONFIG_HOME"] = "/xdg" });

        Assert.Equal("/xdg/steady/config.json", path);
    }

    [Fact]
    public void TheFileLivesUnderDotConfigInHomeOtherwise()
    {
        var path = ConfigFile.PathFor(new Dictionary<string, string?> { ["HOME"] = "/home/a", ["XDG_CONFIG_HOME"] = "relative/is/ignored" });

        Assert.Equal("/home/a/.config/steady/config.json", path);
    }

    [Fact]
    public void AMissingFileReadsAsNothingSaved()
    {
        Assert.Equal(StoredConfig.Empty, ConfigFile.Load(Path.Combine(_root, "nope", "config.json")));
    }

    [Fact]
    public void WhatIsSavedIsReadBack()
    {
        var path = Path.Combine(_root, "steady", "config.json");

        ConfigFile.Save(path, new StoredConfig("http://127.0.0.1:8080", "stdy_secret"));

        Assert.Equal(new StoredConfig("http://127.0.0.1:8080", "stdy_secret"), ConfigFile.Load(path));
        Assert.Equal(["config.json"], Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName));
    }

    [Fact]
    public void TheFileIsWrittenAsJsonWithServerAndToken()
    {
        var path = Path.Combine(_root, "steady", "config.json");

        ConfigFile.Save(path, new StoredConfig("http://h:1", "stdy_x"));

        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(path));
        Assert.Equal("http://h:1", json.RootElement.GetProperty("server").GetString());
        Assert.Equal("stdy_x", json.RootElement.GetProperty("token").GetString());
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public void OnlyItsOwnerCanReadTheFileOrItsDirectory()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes");
        var path = Path.Combine(_root, "steady", "config.json");

        ConfigFile.Save(path, new StoredConfig("http://h:1", "stdy_x"));

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(path)!));
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public void SavingOverAWorldReadableFileMakesItPrivate()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes");
        var directory = Path.Combine(_root, "steady");
        var path = Path.Combine(directory, "config.json");
        Directory.CreateDirectory(directory);
        File.WriteAllText(path, "{}");
        File.SetUnixFileMode(path, (UnixFileMode)0b110_100_100);
        File.SetUnixFileMode(directory, (UnixFileMode)0b111_101_101);

        ConfigFile.Save(path, new StoredConfig("http://h:1", "stdy_x"));

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(directory));
    }

    [Fact]
    public void AFileThatIsNotJsonIsReportedWithItsPath()
    {
        var path = Path.Combine(_root, "config.json");
        File.WriteAllText(path, "server = x");

        var error = Assert.Throws<CliException>(() => ConfigFile.Load(path));

        Assert.Equal($"{path} is not valid JSON; fix it, or delete it and run 'steady login'", error.Message);
    }
}
