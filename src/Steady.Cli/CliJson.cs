using System.Text.Json;
using System.Text.Json.Serialization;
using Steady.Cli.Api;
using Steady.Cli.Config;

namespace Steady.Cli;

/// <summary>Source-generated JSON for everything the CLI reads or writes: no reflection at start-up.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StoredConfig))]
[JsonSerializable(typeof(MeDto))]
[JsonSerializable(typeof(TeamDto))]
[JsonSerializable(typeof(ServiceDto))]
[JsonSerializable(typeof(IntegrationKeyDto))]
[JsonSerializable(typeof(TokenDto))]
[JsonSerializable(typeof(CreatedTokenDto))]
[JsonSerializable(typeof(List<IntegrationKeyDto>), TypeInfoPropertyName = "ListIntegrationKeyDto")]
[JsonSerializable(typeof(List<TokenDto>), TypeInfoPropertyName = "ListTokenDto")]
internal sealed partial class CliJson : JsonSerializerContext;
