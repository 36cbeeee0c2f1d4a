namespace Steady.Cli.Api;

// The parts of the server's JSON the human output reads. --json prints the server's own JSON, so
// fields the CLI does not show are never lost to scripts.

public sealed record UserDto(Guid Id, string Name, string Email, string TimeZone, bool IsAdmin, bool Disabled, DateTimeOffset CreatedAt);

public sealed record TeamRoleDto(Guid TeamId, string TeamName, string Role);

public sealed record MeDto(UserDto User, IReadOnlyList<TeamRoleDto> Teams);

public sealed record MemberDto(Guid UserId, string Name, string Email, string Role);

public sealed record TeamDto(Guid Id, string Name, string? Description, DateTimeOffset CreatedAt, IReadOnlyList<MemberDto>? Members);

public sealed record ServiceDto(Guid Id, string Name, Guid TeamId, string TeamName, string? Description, string? RunbookUrl, DateTimeOffset CreatedAt);

public sealed record IntegrationKeyDto(Guid Id, Guid ServiceId, string Name, string Key, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

public sealed record TokenDto(Guid Id, Guid UserId, string Name, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt, DateTimeOffset? LastUsedAt);

public sealed record CreatedTokenDto(TokenDto Token, string Secret);
