using Microsoft.EntityFrameworkCore.Metadata;
using Steady.Server.Data;

namespace Steady.Server.CompiledModel;

/// <summary>
/// The EF model of <see cref="SteadyDb"/>, one per provider, compiled ahead of time from the features' mappings
/// (<c>Features/*/…Mapping.cs</c>, <see cref="SteadyDb"/>'s conventions) into the code beside this file. The report worker
/// reads through it: building the model from the mappings was most of a second of a new worker's first report. The
/// server builds its own (its intake took 5-8 % more CPU per alert with this one; docs/benchmarks.md, Reports). The files
/// in <c>Sqlite/</c> and <c>Postgres/</c> are generated, never edited: after a change to a mapping,
/// <c>scripts/compiled-model</c> writes them again, and <c>CompiledModelTests</c> fails until it has.
/// </summary>
public static class SteadyModels
{
    public static IModel For(DatabaseProvider provider) => provider == DatabaseProvider.Sqlite
        ? Sqlite.SteadyDbModel.Instance
        : Postgres.SteadyDbModel.Instance;
}
