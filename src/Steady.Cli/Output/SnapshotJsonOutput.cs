using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Steady.Host;
using Steady.Host.Model;

namespace Steady.Cli.Output;

/// <summary>--json for a snapshot: the steady.snapshot/v1 document, indented, with readable (not \u-escaped) text.</summary>
internal static class SnapshotJsonOutput
{
    private static readonly JsonSerializerOptions Options = new(SnapshotJson.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        TypeInfoResolver = SnapshotJson.Default,
    };

    public static readonly JsonTypeInfo<Snapshot> Snapshot = (JsonTypeInfo<Snapshot>)Options.GetTypeInfo(typeof(Snapshot));
}
