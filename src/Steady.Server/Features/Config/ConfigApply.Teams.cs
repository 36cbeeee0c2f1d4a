using Steady.Core;
using Steady.Core.Accounts;

namespace Steady.Server.Features.Config;

/// <summary>Teams and their members: a team document's members list is the whole list.</summary>
public sealed partial class ConfigApply
{
    private void ApplyTeam(ConfigDocument d, TeamDocument doc)
    {
        var v = new Validation().PathName("name", doc.Name).Text("description", doc.Description, 2000);
        Check(d, v);
        if (!v.IsValid)
            return;
        var name = doc.Name!.Trim();
        if (!_teams.TryGetValue(name, out var team))
        {
            team = new Team { Id = Ids.New(time), Name = name, CreatedAt = _now };
            db.Teams.Add(team);
            _teams[name] = team;
        }
        if (doc.Description is not null)
            team.Description = Blank(doc.Description);
        Track(d, team);
    }

    private void ApplyMembers(ConfigDocument d, TeamDocument doc)
    {
        if (doc.Members is null || doc.Name is null || !_teams.TryGetValue(doc.Name.Trim(), out var team))
            return;
        var wanted = new Dictionary<Guid, TeamRole>();
        for (var i = 0; i < doc.Members.Count; i++)
        {
            var m = doc.Members[i];
            var user = FindUser(m.User);
            if (user is null)
                Error(d, $"members[{i}].user", $"members[{i}].user: there is no user '{m.User}' (give an email, or a name only one person has).");
            if (!TeamRoles.TryParse(m.Role ?? "", out var role))
                Error(d, $"members[{i}].role", $"members[{i}].role must be viewer, responder or admin; got '{m.Role}'.");
            else if (user is not null && !wanted.TryAdd(user.Id, role))
                Error(d, $"members[{i}].user", $"members[{i}]: {user.Email} is listed twice.");
        }
        var touched = new List<object>();
        foreach (var existing in _memberships.Where(m => m.TeamId == team.Id).ToList())
        {
            if (wanted.Remove(existing.UserId, out var role))
            {
                existing.Role = role;
                touched.Add(existing);
            }
            else
            {
                db.Memberships.Remove(existing);
                _memberships.Remove(existing);
                touched.Add(existing);
            }
        }
        foreach (var (userId, role) in wanted)
        {
            var membership = new Membership { TeamId = team.Id, UserId = userId, Role = role, CreatedAt = _now };
            db.Memberships.Add(membership);
            _memberships.Add(membership);
            touched.Add(membership);
        }
        if (_touched.TryGetValue(d, out var list))
            list.AddRange(touched);
    }
}
