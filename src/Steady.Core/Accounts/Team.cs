using Steady.Core.Audit;

namespace Steady.Core.Accounts;

public sealed class Team : IAudited
{
    public Guid Id { get; set; }

    public required string Name { get; set; }

    public string? Description { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

public sealed class Membership : IAudited
{
    public Guid TeamId { get; set; }

    public Guid UserId { get; set; }

    public TeamRole Role { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
