using System.Text.Json;
using System.Text.Json.Serialization;
using Steady.Host.Model;

namespace Steady.Host;

/// <summary>The snapshot's JSON (steady.snapshot/v1): camelCase, indented, source-generated (no reflection at start-up).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(Snapshot))]
[JsonSerializable(typeof(FilesystemHistory))]
[JsonSerializable(typeof(List<FilesystemHistory>), TypeInfoPropertyName = "ListFilesystemHistory")]
public sealed partial class SnapshotJson : JsonSerializerContext;
