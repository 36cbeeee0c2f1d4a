using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design.Internal;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Scaffolding;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Steady.Server.Data;
using Steady.Server.Features.Reports;

#pragma warning disable EF1001 // the design-time services builder is what dotnet ef itself runs

namespace Steady.Server.Tests.Data;

/// <summary>
/// The compiled models (src/Steady.Server/CompiledModel/, which the report worker uses) are what the mappings make today:
/// each is scaffolded again here, in process, the way <c>dotnet ef dbcontext optimize</c> does, and compared file by file
/// with what is committed. With STEADY_WRITE_COMPILED_MODEL=1 (<c>scripts/compiled-model</c>) the test writes them instead.
/// </summary>
public sealed partial class CompiledModelTests
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public void TheCompiledModelIsWhatTheMappingsMake(DatabaseProvider provider)
    {
        var committed = Path.Combine(RepositoryRoot(), "src", "Steady.Server", "CompiledModel", provider.ToString());
        var scratch = Directory.CreateTempSubdirectory("steady-compiled-model-");
        try
        {
            var made = Scaffold(provider, scratch.FullName);
            if (Environment.GetEnvironmentVariable("STEADY_WRITE_COMPILED_MODEL") == "1")
            {
                // Only what changed is written: a file that differs in the model's id alone stays as it is.
                Directory.CreateDirectory(committed);
                foreach (var (name, text) in made)
                {
                    var path = Path.Combine(committed, name);
                    if (!File.Exists(path) || Normalize(File.ReadAllText(path)) != Normalize(text))
                        File.WriteAllText(path, text);
                }
                foreach (var path in Directory.EnumerateFiles(committed, "*.cs").Where(p => !made.ContainsKey(Path.GetFileName(p))).ToList())
                    File.Delete(path);
                return;
            }
            var stale = new List<string>();
            var have = Directory.Exists(committed)
                ? Directory.EnumerateFiles(committed, "*.cs").ToDictionary(f => Path.GetFileName(f), File.ReadAllText)
                : new Dictionary<string, string>();
            foreach (var (name, text) in made)
            {
                if (!have.TryGetValue(name, out var old))
                    stale.Add($"missing: {name}");
                else if (Normalize(old) != Normalize(text))
                    stale.Add($"differs: {name}");
            }
            stale.AddRange(have.Keys.Where(k => !made.ContainsKey(k)).Select(k => $"left over: {k}"));
            Assert.True(stale.Count == 0,
                $"The compiled {provider} model is not what the mappings make (run scripts/compiled-model):\n{string.Join("\n", stale)}");
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    /// <summary>
    /// The report worker reads through the compiled model (a new worker's first report does not build one); the server
    /// builds its own from the mappings (its intake was slower with the compiled one). On the database this suite runs on.
    /// </summary>
    [Fact]
    public async Task TheReportWorkerUsesTheCompiledModelAndTheServerItsOwn()
    {
        await using var host = await SteadyHost.StartAsync();
        var database = host.Services.GetRequiredService<DatabaseInfo>();
        await using var worker = ReportWorkerProcess.Services(new ReportWorkerStart(database.Provider, database.ConnectionString));
        await using (var scope = worker.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<SteadyDb>();
            Assert.Same(Steady.Server.CompiledModel.SteadyModels.For(database.Provider), db.Model);
            Assert.Equal(0, await db.Teams.CountAsync(t => t.Name == "no such team", TestContext.Current.CancellationToken)); // and it answers
        }
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<SteadyDb>();
            Assert.NotSame(Steady.Server.CompiledModel.SteadyModels.For(database.Provider), db.Model);
        }
    }

    /// <summary>The model's files as dotnet ef writes them, but for the assembly attribute (the server names its model itself, per provider).</summary>
    private static Dictionary<string, string> Scaffold(DatabaseProvider provider, string directory)
    {
        var options = new DbContextOptionsBuilder<SteadyDb>();
        if (provider == DatabaseProvider.Sqlite)
            options.UseSqlite("Data Source=:memory:");
        else
            options.UseNpgsql("Host=127.0.0.1;Database=none");
        var keyring = new SecretKeyring(new ServiceCollection().BuildServiceProvider().GetRequiredService<IServiceScopeFactory>());
        using var db = new SteadyDb(options.Options, new AuditContext(), TimeProvider.System, keyring);
        var reporter = new OperationReporter(handler: null);
        var design = new DesignTimeServicesBuilder(typeof(SteadyDb).Assembly, typeof(CompiledModelTests).Assembly, reporter, []).Build(db);
        var scaffolder = design.GetRequiredService<ICompiledModelScaffolder>();
        var files = scaffolder.ScaffoldModel(db.GetService<IDesignTimeModel>().Model, directory, new CompiledModelCodeGenerationOptions
        {
            ContextType = typeof(SteadyDb),
            ModelNamespace = $"Steady.Server.CompiledModel.{provider}",
            Language = "C#",
            UseNullableReferenceTypes = true,
        });
        return files.Where(f => !f.EndsWith("AssemblyAttributes.cs", StringComparison.Ordinal))
            .ToDictionary(f => Path.GetFileName(f), File.ReadAllText);
    }

    /// <summary>The text but for its line endings and the model's id (a new Guid each time it is scaffolded).</summary>
    private static string Normalize(string text) =>
        ModelId().Replace(text.ReplaceLineEndings("\n").TrimStart('\uFEFF'), "modelId: new Guid(\"\")");

    [GeneratedRegex("""modelId: new Guid\("[0-9a-f-]{36}"\)""")]
    private static partial Regex ModelId();

    private static string RepositoryRoot()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Steady.slnx")))
            root = root.Parent;
        return root?.FullName ?? throw new InvalidOperationException("Not run from within the repository.");
    }
}
