using System.Text.Json;
using System.Text.Json.Serialization;
using Steady.Cli.Api;

namespace Steady.Cli;

/// <summary>
/// Source-generated JSON for the alert, silence and maintenance commands, with the same options as
/// <see cref="CliJson"/>. A context of their own keeps these commands in their own files.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AlertDto))]
[JsonSerializable(typeof(AlertDetailDto))]
[JsonSerializable(typeof(SilenceDto))]
[JsonSerializable(typeof(MaintenanceDto))]
[JsonSerializable(typeof(List<SilenceDto>), TypeInfoPropertyName = "ListSilenceDto")]
[JsonSerializable(typeof(List<MaintenanceDto>), TypeInfoPropertyName = "ListMaintenanceDto")]
internal sealed partial class AlertJson : JsonSerializerContext;
