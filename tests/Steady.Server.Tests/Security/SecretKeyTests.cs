using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Steady.Server.Data;

namespace Steady.Server.Tests.Security;

/// <summary>The master key and the data keys: a wrong or missing key stops the server at start; keys change and rotate without losing a secret.</summary>
public sealed class SecretKeyTests
{
    private const string Hook = "https://hooks.example.com/services/T000/B000/keyTestToken";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AWrongMasterKeyStopsTheServerAtStartAndTheRightOneStartsItAgain()
    {
        await using var database = await TestDatabase.CreateAsync();
        var admin = await WithSecretAsync(database);
        var keyFile = Path.Combine(database.Folder, MasterKey.FileName);
        var right = await File.ReadAllTextAsync(keyFile, Cancel);

        await File.WriteAllTextAsync(keyFile, NewKey(), Cancel);
        var wrong = await RefusedStartAsync(database);
        Assert.StartsWith("steady: The secrets in this database are encrypted under master key ", wrong, StringComparison.Ordinal);
        Assert.Contains($"but the configured key (the key file {keyFile}) is key ", wrong, StringComparison.Ordinal);

        await File.WriteAllTextAsync(keyFile, right, Cancel);
        await using var host = await SteadyHost.StartAsync(database: database);
        Assert.Equal(Hook, await AddressAsync(host, admin));
    }

    [Fact]
    public async Task AMissingKeyFileStopsTheServerAtStartSayingWhereItWasExpected()
    {
        await using var database = await TestDatabase.CreateAsync();
        await WithSecretAsync(database);
        var keyFile = Path.Combine(database.Folder, MasterKey.FileName);
        File.Move(keyFile, keyFile + ".elsewhere");

        var missing = await RefusedStartAsync(database);
        Assert.Contains($"its key file {keyFile} does not exist", missing, StringComparison.Ordinal);
        Assert.False(File.Exists(keyFile)); // no new key is made for a database that has secrets
    }

    [Fact]
    public async Task AKeyThatIsNotThirtyTwoBytesOfBase64StopsTheServerNamingTheSetting()
    {
        await using var database = await TestDatabase.CreateAsync();
        var error = await RefusedStartAsync(database, new() { ["Steady__Secrets__Key"] = "too-short" });
        Assert.Equal("steady: Steady:Secrets:Key must hold a master key of 32 random bytes in base64 (make one with: openssl rand -base64 32).", error);
    }

    [Fact]
    public async Task AKeyFromConfigurationIsUsedAndNoFileIsWritten()
    {
        var key = NewKey();
        await using var host = await SteadyHost.StartAsync(b => b.UseSetting("Steady:Secrets:Key", key));
        Assert.False(File.Exists(Path.Combine(host.Database.Folder, MasterKey.FileName)));
        var status = await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/secrets", Cancel);
        Assert.Equal(MasterKey.Parse(key, "test").Id, status.GetProperty("masterKeyId").GetString());
    }

    [Fact]
    public async Task ANewMasterKeyWithThePreviousOneKeptForOneStartRewrapsTheDataKeys()
    {
        await using var database = await TestDatabase.CreateAsync();
        var admin = await WithSecretAsync(database);
        var previous = (await File.ReadAllTextAsync(Path.Combine(database.Folder, MasterKey.FileName), Cancel)).Trim();
        var next = NewKey();

        var changed = await SteadyHost.StartAsync(b => { b.UseSetting("Steady:Secrets:Key", next); b.UseSetting("Steady:Secrets:PreviousKeys:0", previous); }, database);
        Assert.Equal(Hook, await AddressAsync(changed, admin));
        Assert.Equal(1, await changed.WithDbAsync((db, _) => db.AuditEntries.CountAsync(e => e.Action == "secrets_master_key_changed", Cancel)));
        await changed.DisposeAsyncKeepingDatabase();

        // The previous key is no longer needed; alone, it no longer opens the database.
        var alone = await SteadyHost.StartAsync(b => b.UseSetting("Steady:Secrets:Key", next), database);
        Assert.Equal(Hook, await AddressAsync(alone, admin));
        await alone.DisposeAsyncKeepingDatabase();
        var old = await RefusedStartAsync(database, new() { ["Steady__Secrets__Key"] = previous });
        Assert.Contains($"but the configured key (Steady:Secrets:Key) is key {MasterKey.Parse(previous, "test").Id}", old, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RotatingEncryptsEverySecretAgainUnderANewDataKeyForAdministratorsOnlyAndIsAudited()
    {
        await using var host = await SteadyHost.StartAsync();
        var admin = Guid.Parse((await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/me", Cancel)).GetProperty("user").GetProperty("id").GetString()!);
        (await host.Admin().PostAsJsonAsync($"/api/v1/users/{admin}/contact-methods", new { kind = "webhook", address = Hook, settings = new { secret = "rotate-me" } }, Cancel)).EnsureSuccessStatusCode();
        var before = await StoredAsync(host);
        var first = (await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/secrets", Cancel)).GetProperty("dataKeyId").GetString()!;
        Assert.All(before, v => Assert.StartsWith($"{SecretKeyring.Prefix}{first}:", v, StringComparison.Ordinal));

        var (_, token) = await host.CreateUserAsync("Rita Responder");
        Assert.Equal(HttpStatusCode.Forbidden, (await host.As(token).PostAsJsonAsync("/api/v1/secrets/rotate", new { }, Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await host.As(token).GetAsync("/api/v1/secrets", Cancel)).StatusCode);

        var rotated = await host.Admin().PostAsJsonAsync("/api/v1/secrets/rotate", new { }, Cancel);
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        var rotation = await rotated.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        var second = rotation.GetProperty("dataKeyId").GetString()!;
        Assert.NotEqual(first, second);
        Assert.Equal([first], rotation.GetProperty("retiredDataKeys").EnumerateArray().Select(k => k.GetString()));
        var after = await StoredAsync(host);
        Assert.True(rotation.GetProperty("reencrypted").GetInt32() >= after.Count);
        Assert.All(after, v => Assert.StartsWith($"{SecretKeyring.Prefix}{second}:", v, StringComparison.Ordinal));
        Assert.Empty(before.Intersect(after));
        Assert.Equal(Hook, await AddressAsync(host, admin));
        var audit = await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/audit?entityType=secrets", Cancel);
        var entry = Assert.Single(audit.GetProperty("items").EnumerateArray(), e => e.GetProperty("action").GetString() == "secrets_rotated");
        Assert.Equal("Administrator", entry.GetProperty("actorName").GetString());
        Assert.DoesNotContain("rotate-me", entry.GetRawText(), StringComparison.Ordinal);

        // A second rotation retires the second key and drops the first, which nothing needs any more.
        var again = await (await host.Admin().PostAsJsonAsync("/api/v1/secrets/rotate", new { }, Cancel)).Content.ReadFromJsonAsync<JsonElement>(Cancel);
        var keys = (await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/secrets", Cancel)).GetProperty("dataKeys").EnumerateArray().Select(k => k.GetProperty("id").GetString()).ToList();
        Assert.Equal(new[] { again.GetProperty("dataKeyId").GetString(), second }.Order(), keys.Order());
        Assert.Equal(Hook, await AddressAsync(host, admin));
    }

    /// <summary>
    /// Starts the real server as a process on the database (its key file where the tests keep it, unless the settings say
    /// otherwise), expecting it to refuse: it must exit 1 with one line on standard error, which is returned.
    /// </summary>
    internal static async Task<string> RefusedStartAsync(TestDatabase database, Dictionary<string, string>? settings = null)
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Steady.Server.dll"), "--urls", "http://127.0.0.1:0"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = database.Folder,
        };
        start.Environment["Steady__Database__Provider"] = database.Provider;
        start.Environment["Steady__Database__ConnectionString"] = database.ConnectionString;
        start.Environment["Steady__Secrets__KeyFile"] = Path.Combine(database.Folder, MasterKey.FileName);
        start.Environment["Steady__Bootstrap__AdminToken"] = SteadyHost.AdminToken;
        start.Environment["Logging__LogLevel__Default"] = "None";
        foreach (var (name, value) in settings ?? [])
            start.Environment[name] = value;
        using var process = System.Diagnostics.Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync(Cancel);
        var stdout = process.StandardOutput.ReadToEndAsync(Cancel);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        limit.CancelAfter(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("The server started although it should have refused to: " + await stdout);
        }
        Assert.True(process.ExitCode == 1, $"exit {process.ExitCode}: {await stderr}");
        return Assert.Single((await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>A database with a secret in it (a contact method of the first administrator), left by a server that stopped.</summary>
    private static async Task<Guid> WithSecretAsync(TestDatabase database)
    {
        var host = await SteadyHost.StartAsync(database: database);
        try
        {
            var admin = Guid.Parse((await host.Admin().GetFromJsonAsync<JsonElement>("/api/v1/me", Cancel)).GetProperty("user").GetProperty("id").GetString()!);
            (await host.Admin().PostAsJsonAsync($"/api/v1/users/{admin}/contact-methods", new { kind = "webhook", address = Hook }, Cancel)).EnsureSuccessStatusCode();
            return admin;
        }
        finally
        {
            await host.DisposeAsyncKeepingDatabase();
        }
    }

    private static async Task<string?> AddressAsync(SteadyHost host, Guid user)
    {
        var methods = await host.Admin().GetFromJsonAsync<JsonElement>($"/api/v1/users/{user}/contact-methods", Cancel);
        return methods.EnumerateArray().Select(m => m.GetProperty("address").GetString()).FirstOrDefault(a => a == Hook);
    }

    /// <summary>The stored (sealed) addresses and settings of contact methods, as the database holds them.</summary>
    private static Task<List<string>> StoredAsync(SteadyHost host) => host.WithDbAsync(async (db, _) =>
        (await db.Database.SqlQueryRaw<string>("SELECT address AS \"Value\" FROM contact_methods UNION ALL SELECT settings AS \"Value\" FROM contact_methods WHERE settings IS NOT NULL").ToListAsync(Cancel)));

    private static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
}
