using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using Steady.Core;
using Steady.Core.Accounts;
using Steady.Core.OnCall;
using Steady.Server.Features.OnCall;

namespace Steady.Server.Features.Config;

/// <summary>People, their contact methods and notification rules: a list that is given is the whole list.</summary>
public sealed partial class ConfigApply
{
    private void ApplyUser(Actor actor, ConfigDocument d, UserDocument doc)
    {
        var v = new Validation().Email("email", doc.Email);
        var email = doc.Email is null ? "" : Core.Accounts.User.NormalizeEmail(doc.Email);
        _users.TryGetValue(email, out var user);
        if (user is null || doc.Name is not null)
            v.Name("name", doc.Name);
        if (doc.TimeZone is not null)
            v.TimeZone("time_zone", doc.TimeZone);
        Check(d, v);
        if (!v.IsValid)
            return;
        if (user is null)
        {
            user = new User { Id = Ids.New(time), Name = doc.Name!.Trim(), Email = email, TimeZone = doc.TimeZone ?? Users.UserCommands.DefaultTimeZone, CreatedAt = _now };
            db.Users.Add(user);
            _users[email] = user;
        }
        if (doc.Name is not null)
            user.Name = doc.Name.Trim();
        if (doc.TimeZone is not null)
            user.TimeZone = doc.TimeZone;
        if (doc.Admin is { } admin)
        {
            if (!admin && user.IsAdmin && user.Id == actor.UserId)
                Error(d, "admin", "you cannot remove your own administration; ask another administrator.");
            user.IsAdmin = admin;
        }
        var touched = new List<object>();
        if (doc.ContactMethods is { } methods)
            ContactMethods(actor, d, user, methods, touched);
        Track(d, user, touched);
    }

    private void ContactMethods(Actor actor, ConfigDocument d, User user, IReadOnlyList<ContactMethodDocument> methods, List<object> touched)
    {
        var existing = _methods.Where(m => m.UserId == user.Id).ToList();
        var kept = new HashSet<ContactMethod>();
        for (var i = 0; i < methods.Count; i++)
        {
            var doc = methods[i];
            var path = $"contact_methods[{i}]";
            var kind = ContactMethodCommands.NormalizeKind(doc.Kind);
            var address = doc.Address?.Trim() ?? "";
            var method = existing.FirstOrDefault(m => m.Kind.ToWire() == kind && string.Equals(m.Address, address, kind == "email" ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal) && !kept.Contains(m));
            var settings = doc.Settings ?? (method?.Settings is { } stored ? ContactMethodCommands.ReadSettings(stored) : null);
            var v = new Validation();
            ContactMethodCommands.Validate(v, doc.Kind, doc.Address, doc.Label, settings);
            if (v.IsValid && outbound.RefusalForContact(kind, address, settings, actor.IsAdmin) is { } refused)
                v.Add(refused.Field, refused.Problem);
            if (!v.IsValid)
            {
                foreach (var (field, messages) in v.ToFailure()!.Errors!)
                {
                    foreach (var message in messages)
                        Error(d, $"{path}.{field}", $"{path}: {message}");
                }
                continue;
            }
            if (method is null)
            {
                method = new ContactMethod { Id = Ids.New(time), UserId = user.Id, Kind = ContactKinds.Parse(kind), Label = kind, Address = address, CreatedAt = _now };
                db.ContactMethods.Add(method);
                _methods.Add(method);
            }
            else if (kept.Contains(method))
            {
                Error(d, path, $"{path}: {kind} {address} is listed twice.");
                continue;
            }
            kept.Add(method);
            method.Address = address;
            if (doc.Label is not null || db.Entry(method).State == EntityState.Added)
                method.Label = ContactMethodCommands.LabelOr(doc.Label, kind);
            if (doc.Settings is not null)
                method.Settings = doc.Settings.Count > 0 ? JsonSerializer.Serialize(new SortedDictionary<string, string>(doc.Settings, StringComparer.Ordinal)) : null;
            touched.Add(method);
            if (doc.Rules is { } rules)
                Rules(d, path, user, method, rules, touched);
        }
        foreach (var gone in existing.Where(m => !kept.Contains(m)))
        {
            foreach (var rule in _rules.Where(r => r.ContactMethodId == gone.Id).ToList())
            {
                db.NotificationRules.Remove(rule);
                _rules.Remove(rule);
                touched.Add(rule);
            }
            db.ContactMethods.Remove(gone);
            _methods.Remove(gone);
            touched.Add(gone);
        }
    }

    private void Rules(ConfigDocument d, string path, User user, ContactMethod method, IReadOnlyList<RuleDocument> rules, List<object> touched)
    {
        var wanted = new List<(int Delay, RuleUrgency Urgency)>();
        for (var i = 0; i < rules.Count; i++)
        {
            var after = rules[i].After is null ? Duration.Zero : Durations.Parse(rules[i].After);
            var urgency = Urgencies.ParseRule(rules[i].Urgency ?? "any");
            if (after is null || after.Value.TotalMinutes > ContactMethodCommands.MaxDelayMinutes || after.Value.TotalSeconds % 60 != 0)
                Error(d, $"{path}.rules[{i}].after", $"{path}.rules[{i}].after '{rules[i].After}' must be whole minutes between 0m and 1d, like 2m.");
            if (urgency is null)
                Error(d, $"{path}.rules[{i}].urgency", ContactMethodCommands.UrgencyProblem($"{path}.rules[{i}].urgency", rules[i].Urgency));
            if (after is not null && urgency is not null)
                wanted.Add(((int)after.Value.TotalMinutes, urgency.Value));
        }
        foreach (var existing in _rules.Where(r => r.ContactMethodId == method.Id).ToList())
        {
            if (!wanted.Remove((existing.DelayMinutes, existing.Urgency)))
            {
                db.NotificationRules.Remove(existing);
                _rules.Remove(existing);
                touched.Add(existing);
            }
        }
        foreach (var (delay, urgency) in wanted)
        {
            var rule = new NotificationRule { Id = Ids.New(time), UserId = user.Id, ContactMethodId = method.Id, DelayMinutes = delay, Urgency = urgency, CreatedAt = _now };
            db.NotificationRules.Add(rule);
            _rules.Add(rule);
            touched.Add(rule);
        }
    }
}
