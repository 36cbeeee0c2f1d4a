using Steady.Server.Features.Config;

namespace Steady.Server.Features.Import;

/// <summary>Something of the export that is not carried over as it is: where it is, why, and what to do instead.</summary>
public sealed record ImportNote(string File, string Object, string Why, string Instead);

/// <summary>Something of the export that stops the import: where it is and what is wrong with it.</summary>
public sealed record ImportProblem(string File, string Object, string Problem);

/// <summary>
/// What an importer made of an export: Steady's configuration documents (applied by <c>steady apply</c>'s
/// own reconciler, in one transaction), the notes on what is not carried over, and the problems that stop
/// the import. With any problem nothing is applied.
/// </summary>
public sealed class ImportPlan
{
    private readonly List<ConfigDocument> _documents = [];

    public List<ImportNote> Notes { get; } = [];

    public List<ImportProblem> Problems { get; } = [];

    public IReadOnlyList<ConfigDocument> Documents => _documents;

    public void Add(string kind, object body) => _documents.Add(new ConfigDocument(_documents.Count + 1, kind, body));

    /// <summary>
    /// People who already have contact methods in Steady keep them: the export's are left out (a list in a
    /// document is the whole list, and the import must not take away what someone set up since).
    /// </summary>
    public void KeepContactMethodsOf(ISet<string> emails, string file)
    {
        for (var i = 0; i < _documents.Count; i++)
        {
            if (_documents[i].Body is UserDocument { ContactMethods: not null, Email: { } email } user && emails.Contains(Core.Accounts.User.NormalizeEmail(email)))
            {
                _documents[i] = _documents[i] with { Body = user with { ContactMethods = null } };
                Note(file, email, "already has contact methods in Steady; they are kept, and the export's are not carried over.", "Compare them with the old tool's and change them in Steady if needed.");
            }
        }
    }

    public void Note(string file, string what, string why, string instead) => Notes.Add(new ImportNote(file, what, why, instead));

    public void Problem(string file, string what, string problem) => Problems.Add(new ImportProblem(file, what, problem));

    /// <summary>The email of the user an export names by id (from the importer's own map), or a problem said and null.</summary>
    public string? Person(IReadOnlyDictionary<string, string> emails, string file, string what, string? id)
    {
        if (id is not null && emails.TryGetValue(id, out var email))
            return email;
        Problem(file, what, $"names the user {id ?? "(no id)"}, who is not in users.json (or has no email).");
        return null;
    }

    /// <summary>An instant an export writes as a date and time with an offset, or a problem said and null.</summary>
    public NodaTime.Instant? Moment(string file, string what, string field, string? text)
    {
        if (text is not null && DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal, out var value))
            return NodaTime.Instant.FromDateTimeOffset(value);
        Problem(file, what, $"has {field} '{text}', which is not a date and time with an offset.");
        return null;
    }

    /// <summary>The problems as a problem detail's errors: "users.json PABC123" → what is wrong.</summary>
    public IReadOnlyDictionary<string, string[]> Errors() => Problems
        .GroupBy(p => $"{p.File} {p.Object}")
        .ToDictionary(g => g.Key, g => g.Select(p => $"{p.File}, {p.Object}: {p.Problem}").ToArray());
}
